namespace Breakwater.Cli.Tests.Jobs;

/// <summary>The kill test runs two gateway processes; it runs alone so it does not load the wall-clock demo tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KillTestCollection
{
    public const string Name = "deferral-kill";
}
