namespace Breakwater.Cli.Tests.Jobs;

/// <summary>
/// The kill test starts two gateway processes; on a 2-core host that load tips the wall-clock demo test
/// (DemoRunnerTests) over, so it runs only when <c>BREAKWATER_KILL_TEST=1</c>.
/// </summary>
public sealed class KillTestFactAttribute : FactAttribute
{
    public const string Variable = "BREAKWATER_KILL_TEST";

    public KillTestFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"Set {Variable}=1 to run the SIGKILL test (it starts gateway processes).";
        }
    }
}
