namespace Breakwater.Cli.Tests.Jobs;

/// <summary>The kill test runs two gateway processes; it runs alone so its load does not overlap other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KillTestCollection
{
    public const string Name = "deferral-kill";
}
