using System.Collections.Concurrent;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// Runs the policy benchmark: per scenario one arrival plan from the seed, the oracle, and one virtual-time run per
/// policy. Runs are independent (each has its own clock and simulator), so they go side by side on
/// several threads; each is single-threaded and deterministic, so the report does not depend on it.
/// </summary>
internal static class BenchmarkRunner
{
    public static BenchmarkReport Run(
        IReadOnlyList<Scenario> scenarios,
        int seed,
        IReadOnlyList<string>? policies = null,
        Action<BreakwaterOptions>? configureBreakwater = null,
        int parallelism = 2,
        Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        var policyLists = scenarios.Select(s => policies ?? BenchPolicies.For(s)).ToArray();
        var plans = scenarios.Select(s => ArrivalPlan.Generate(s, seed)).ToArray();
        var jobs = new List<(int Scenario, int Policy)>();
        for (var s = 0; s < scenarios.Count; s++)
        {
            for (var p = -1; p < policyLists[s].Count; p++)
            {
                jobs.Add((s, p));
            }
        }

        // Longest runs first, so the two threads finish together.
        jobs = [.. jobs.OrderByDescending(j => plans[j.Scenario].Count)];
        var oracles = new ConcurrentDictionary<int, OracleResult>();
        var traces = new ConcurrentDictionary<(int, int), RunTrace>();
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, job =>
        {
            var scenario = scenarios[job.Scenario];
            var plan = plans[job.Scenario];
            if (job.Policy < 0)
            {
                oracles[job.Scenario] = Oracle.Run(scenario, plan, seed, plan.Count > 0 ? BenchRequests.InputTokens(plan[0]) : 1);
                progress?.Invoke($"{scenario.Name}: oracle done");
                return;
            }

            var policy = policyLists[job.Scenario][job.Policy];
            traces[(job.Scenario, job.Policy)] = PolicyRun.Run(scenario, plan, policy, seed, configure: configureBreakwater);
            progress?.Invoke($"{scenario.Name}: {policy} done");
        });

        var results = new List<ScenarioResult>(scenarios.Count);
        for (var s = 0; s < scenarios.Count; s++)
        {
            var oracle = oracles[s];
            var rows = new List<PolicyResult>(policyLists[s].Count);
            for (var p = 0; p < policyLists[s].Count; p++)
            {
                rows.Add(Metrics.Compute(policyLists[s][p], scenarios[s], traces[(s, p)], oracle.Successes));
            }

            var result = new ScenarioResult(scenarios[s].Name, oracle.Successes, rows) { Oracle = oracle };
            RunInvariant.CheckGoodput(result);
            results.Add(result);
        }

        return new BenchmarkReport(seed, results);
    }
}
