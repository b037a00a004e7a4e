using System.Globalization;
using Breakwater.Health;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// The checks that make a run's figures trustworthy: at its end nothing is in flight, leased or queued (every tap
/// answered, every breakwater limiter empty), and no policy serves more requests than the oracle.
/// </summary>
internal static class RunInvariant
{
    /// <summary>Slack on goodput, for rounding.</summary>
    public const double GoodputTolerance = 1e-9;

    /// <summary>Throws <see cref="BenchmarkInvariantException"/> when an attempt is still unanswered or a breakwater model still has calls in flight or queued.</summary>
    public static void Check(string scenario, string policy, RunTrace trace, IEnumerable<ModelHealth> health)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(health);
        var problems = new List<string>();
        if (trace.OutstandingAttempts != 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{trace.OutstandingAttempts} upstream attempt(s) unanswered"));
        }

        foreach (var h in health.Where(h => h.InFlight != 0 || h.Queued != 0))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{h.Client}/{h.Model}: {h.InFlight} in flight, {h.Queued} queued"));
        }

        if (problems.Count > 0)
        {
            throw new BenchmarkInvariantException($"{scenario} / {policy}: work left at the end of the run: {string.Join("; ", problems)}.");
        }
    }

    /// <summary>Throws <see cref="BenchmarkInvariantException"/> when a policy's goodput is above the oracle's (more successes than the upper bound).</summary>
    public static void CheckGoodput(ScenarioResult scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        foreach (var p in scenario.Policies)
        {
            var fraction = scenario.OracleSuccesses <= 0 ? (p.Succeeded > 0 ? double.PositiveInfinity : 0) : p.Succeeded / (double)scenario.OracleSuccesses;
            if (fraction > 1.0 + GoodputTolerance)
            {
                throw new BenchmarkInvariantException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{scenario.Name} / {p.Policy}: {p.Succeeded} successes above the oracle's {scenario.OracleSuccesses} (goodput {fraction:0.0000}; newest-first {scenario.Oracle.NewestFirstSuccesses}, FIFO {scenario.Oracle.FifoSuccesses}, EDF {scenario.Oracle.EdfSuccesses}, impossible {scenario.Oracle.Impossible})."));
            }
        }
    }
}
