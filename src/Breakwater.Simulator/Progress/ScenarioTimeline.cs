using System.Globalization;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.StatusPage;

namespace Breakwater.Simulator.Progress;

/// <summary>
/// A scenario's milestones, in time order: its start, each incident's start and end with the capacity change it makes
/// (slots before → after, per model), the mid-stream and masked windows, the status page's posting and resolution,
/// load-phase changes (when background load plays them) and the end of the run length.
/// </summary>
internal static class ScenarioTimeline
{
    public static IReadOnlyList<ScenarioMilestone> Of(Scenario scenario, bool backgroundLoad)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var list = new List<(double At, int Order, string Text)>
        {
            (0, 0, $"scenario started: {scenario.Name}"),
        };

        // Ends before starts at the same second; each line shows the net capacity change at that second.
        foreach (var incident in scenario.Incidents)
        {
            var title = incident.Title ?? $"Elevated errors on {(incident.Model == "all" ? "all models" : incident.Model)}";
            list.Add((incident.StartSeconds, 2, $"incident started: {title}; {CapacityChange(scenario, incident, incident.StartSeconds)}"));
            if (incident.EndSeconds < double.MaxValue)
            {
                list.Add((incident.EndSeconds, 1, $"incident ended: {title}; {CapacityChange(scenario, incident, incident.EndSeconds)}"));
            }
        }

        if (scenario.MidStream is { Probability: > 0 } ms)
        {
            list.Add((ms.StartSeconds, 2, $"mid-stream failures started: {Percent(ms.Probability)} of streams fail after HTTP 200"));
            if (ms.EndSeconds is { } end)
            {
                list.Add((end, 1, "mid-stream failures ended"));
            }
        }

        if (scenario.Masked is { Fraction: > 0 } masked)
        {
            list.Add((masked.StartSeconds, 2, $"masked errors started: {Percent(masked.Fraction)} of 529s arrive as HTML 503 pages"));
            if (masked.EndSeconds is { } end)
            {
                list.Add((end, 1, "masked errors ended"));
            }
        }

        foreach (var incident in StatusPageFeed.Timeline(scenario))
        {
            list.Add((incident.PostedAt, 3, $"status page posted: {incident.Name} (investigating)"));
            list.Add((incident.ResolvedAt, 3, $"status page resolved: {incident.Name}"));
        }

        if (backgroundLoad)
        {
            foreach (var t in scenario.Load.Select(p => p.FromSeconds).Where(t => t > 0).Distinct().Order())
            {
                var changes = scenario.Models
                    .Select(m => (m.Name, Before: scenario.OfferedRateAt(m, Math.BitDecrement(t)), After: scenario.OfferedRateAt(m, t)))
                    .Where(c => Math.Abs(c.Before - c.After) > 1e-9)
                    .Select(c => $"{c.Name} {Rate(c.Before)} → {Rate(c.After)} requests/s")
                    .ToList();
                if (changes.Count > 0)
                {
                    list.Add((t, 2, "background load changed: " + string.Join(", ", changes)));
                }
            }
        }

        list.Add((scenario.RunSeconds, 4, "run length reached: the upstream keeps its last state"));
        return [.. list.OrderBy(m => m.At).ThenBy(m => m.Order).Select(m => new ScenarioMilestone(m.At, m.Text))];
    }

    /// <summary>Slots of the incident's models just before <paramref name="t"/> and at it, e.g. <c>claude-sonnet-4-5 capacity 120 → 24 slots</c>.</summary>
    private static string CapacityChange(Scenario scenario, ScenarioIncident incident, double t)
    {
        var parts = scenario.Models
            .Where(m => Scenario.Designates(incident.Model, m))
            .Select(m => $"{m.Name} capacity {SlotsOf(m, scenario.CapacityAt(m, Math.BitDecrement(t)))} → {SlotsOf(m, scenario.CapacityAt(m, t))} slots");
        return string.Join(", ", parts);
    }

    private static int SlotsOf(ScenarioModel model, double capacity) => (int)Math.Floor((model.Slots * capacity) + 1e-9);

    private static string Percent(double fraction) => (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Rate(double rate) => rate.ToString("0.##", CultureInfo.InvariantCulture);
}
