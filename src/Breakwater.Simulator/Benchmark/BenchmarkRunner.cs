using System.Collections.Concurrent;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// Runs the policy benchmark: per scenario one arrival plan from the seed and the oracle (shared by every mode), and
/// one virtual-time run per mode and policy. Runs are independent (each has its own clock and simulator), so they go
/// side by side on several threads; each is single-threaded and deterministic, so the report does not depend on it.
/// </summary>
internal static class BenchmarkRunner
{
    public static BenchmarkReport Run(
        IReadOnlyList<Scenario> scenarios,
        int seed,
        IReadOnlyList<string>? policies = null,
        Action<BreakwaterOptions>? configureBreakwater = null,
        int parallelism = 2,
        Action<string>? progress = null,
        IReadOnlyList<BenchMode>? modes = null)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        modes ??= [BenchMode.Clients];
        var policyLists = scenarios.Select(s => policies ?? BenchPolicies.For(s)).ToArray();
        var plans = scenarios.Select(s => ArrivalPlan.Generate(s, seed)).ToArray();

        // The oracle is the yardstick of the clients and gateway modes; a tenant share is judged by its own success.
        var needsOracle = modes.Any(m => m.Kind != BenchModeKind.Tenant);
        var jobs = new List<(int Scenario, int Mode, int Policy)>();
        for (var s = 0; s < scenarios.Count; s++)
        {
            if (needsOracle)
            {
                jobs.Add((s, -1, -1));
            }

            for (var m = 0; m < modes.Count; m++)
            {
                for (var p = 0; p < policyLists[s].Count; p++)
                {
                    jobs.Add((s, m, p));
                }
            }
        }

        // Longest runs first, so the threads finish together.
        jobs = [.. jobs.OrderByDescending(j => plans[j.Scenario].Count)];
        var oracles = new ConcurrentDictionary<int, OracleResult>();
        var traces = new ConcurrentDictionary<(int, int, int), ModeTrace>();
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
            var mode = modes[job.Mode];
            traces[job] = PolicyRun.Run(scenario, plan, policy, seed, mode, configure: configureBreakwater);
            progress?.Invoke($"{scenario.Name} ({mode.Name}): {policy} done");
        });

        var results = new List<ModeResult>(modes.Count);
        for (var m = 0; m < modes.Count; m++)
        {
            var scenarioResults = new List<ScenarioResult>(scenarios.Count);
            for (var s = 0; s < scenarios.Count; s++)
            {
                var oracle = needsOracle ? oracles[s].Successes : 0;
                var tenant = modes[m].Kind == BenchModeKind.Tenant;
                var rows = new List<PolicyResult>(policyLists[s].Count);
                var backgrounds = new List<PolicyResult>(policyLists[s].Count);
                for (var p = 0; p < policyLists[s].Count; p++)
                {
                    var trace = traces[(s, m, p)];

                    // The tested share's goodput would be against the oracle of the whole fleet: a tenant row leaves it out.
                    rows.Add(Metrics.Compute(policyLists[s][p], scenarios[s], trace.Tested, tenant ? trace.Tested.Plan.Count : oracle));
                    if (trace.Background is { } background)
                    {
                        backgrounds.Add(Metrics.Compute(modes[m].Background!, scenarios[s], background, background.Plan.Count));
                    }
                }

                var result = new ScenarioResult(scenarios[s].Name, oracle, rows) { Backgrounds = tenant ? backgrounds : null };
                if (needsOracle)
                {
                    result = result with { Oracle = oracles[s] };
                }

                if (!tenant)
                {
                    RunInvariant.CheckGoodput(result);
                }

                scenarioResults.Add(result);
            }

            results.Add(new ModeResult(modes[m], scenarioResults));
        }

        return new BenchmarkReport(seed, results);
    }
}
