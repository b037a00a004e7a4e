using System.Globalization;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Cli.Commands;

/// <summary>The lines of <c>breakwater simulate</c>'s startup text that depend on the scenario and the address.</summary>
internal static class SimulateText
{
    /// <summary>What the background load is, e.g. <c>Background load: the scenario's other users, 8.4 requests/s on claude-sonnet-4-5 (…)</c>.</summary>
    public static string BackgroundLine(Scenario scenario, bool on)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (!on)
        {
            return "Background load: off (--background off): only your requests reach the capacity model.";
        }

        var rates = scenario.Models
            .Select(m => (m.Name, Rate: scenario.OfferedRateAt(m, 0)))
            .Where(r => r.Rate > 0)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Rate:0.##} requests/s on {r.Name}"))
            .ToList();
        var phases = scenario.Load.Any(p => p.FromSeconds > 0) ? ", changing as the scenario's load phases say" : "";
        return rates.Count == 0 && !scenario.Load.Any()
            ? "Background load: none (the scenario offers no load): only your requests reach the capacity model."
            : $"Background load: the scenario's other users, {(rates.Count == 0 ? "none at first" : string.Join(", ", rates))}{phases}, in the same slots as your requests (--background off to stop them).";
    }

    /// <summary>The <c>breakwater serve</c> command line that puts the gateway in front of the simulator at <paramref name="url"/>,
    /// watching the simulator's own status page.</summary>
    public static string ServeCommandLine(string url) => $"breakwater serve --upstream {url} --status-url {url}";
}
