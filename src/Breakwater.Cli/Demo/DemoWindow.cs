using Breakwater.Simulator.Scenarios;

namespace Breakwater.Cli.Demo;

/// <summary>
/// The slice of a scenario the demo plays: from a minute before its first incident to 90 s after it ends (at most
/// five minutes), plus a drain so that calls in flight can finish. The scenario is shifted so that the slice starts at 0.
/// </summary>
internal sealed record DemoWindow(Scenario Scenario, double ArrivalSeconds, double DrainSeconds, double OffsetSeconds)
{
    public const double MaxArrivalSeconds = 300;

    public double TotalSeconds => ArrivalSeconds + DrainSeconds;

    public static DemoWindow For(Scenario scenario)
    {
        var first = scenario.Incidents.OrderBy(i => i.StartSeconds).FirstOrDefault();
        double start, end;
        if (first is null)
        {
            start = 0;
            end = Math.Min(scenario.RunSeconds > 0 ? scenario.RunSeconds : 240, 240);
        }
        else
        {
            start = Math.Max(0, first.StartSeconds - 60);
            end = Math.Min(first.EndSeconds + 90, start + MaxArrivalSeconds);
        }

        if (scenario.MidStream is { } ms && first is null)
        {
            start = Math.Max(0, ms.StartSeconds - 30);
            end = start + 240;
        }

        var shifted = scenario with
        {
            RunSeconds = end - start + 60,
            Incidents = scenario.Incidents.Select(i => i with { StartSeconds = i.StartSeconds - start, EndSeconds = i.EndSeconds - start }).ToList(),
            Load = scenario.Load.Select(p => p with { FromSeconds = Math.Max(0, p.FromSeconds - start) }).ToList(),
            MidStream = scenario.MidStream is { } m ? m with { StartSeconds = Math.Max(0, m.StartSeconds - start), EndSeconds = m.EndSeconds - start } : null,
            Masked = scenario.Masked is { } k ? k with { StartSeconds = Math.Max(0, k.StartSeconds - start), EndSeconds = k.EndSeconds - start } : null,
        };
        var drain = Math.Min(45, scenario.DeadlineSeconds);
        return new DemoWindow(shifted, end - start, drain, start);
    }
}
