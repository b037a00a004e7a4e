using System.Text;
using System.Text.Json;
using Breakwater.Deferral;
using Breakwater.Simulator.Benchmark;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Tests.Benchmark;

/// <summary>The long-incident deferral variant: plan, store, run and metrics.</summary>
public sealed class DeferralBenchmarkTests
{
    /// <summary>A short long incident: capacity at 10 % for 4 minutes, half the requests may wait 30 minutes.</summary>
    internal static Scenario ShortIncident(double fraction = 0.5) => BenchKit.ShortStorm() with
    {
        Name = "short-incident-deferral",
        RunSeconds = 600,
        StreamingFraction = 0,
        Incidents = [new ScenarioIncident { Model = "sonnet", StartSeconds = 60, EndSeconds = 300, Capacity = 0.1 }],
        Deferral = new ScenarioDeferral { Fraction = fraction, DeadlineSeconds = 1800 },
    };

    [Fact]
    public void Catalog_DeferralVariant_ResolvesByNameButIsNotInTheSuite()
    {
        var variant = ScenarioCatalog.Resolve("long-incident-deferral");
        var baseScenario = ScenarioCatalog.Get("long-incident");

        Assert.DoesNotContain("long-incident-deferral", ScenarioCatalog.BuiltInNames);
        Assert.Contains("long-incident-deferral", ScenarioCatalog.VariantNames);
        Assert.Equal(0.3, variant.Deferral!.Fraction);
        Assert.Equal(7200, variant.Deferral.DeadlineSeconds);
        Assert.Null(baseScenario.Deferral);
        Assert.Equal(baseScenario.Incidents, variant.Incidents);
        Assert.Equal(baseScenario.RunSeconds, variant.RunSeconds);
        Assert.Equal([.. BenchPolicies.All, BenchPolicies.BreakwaterDefer], BenchPolicies.For(variant));
        Assert.Equal(BenchPolicies.All, BenchPolicies.For(baseScenario));
    }

    [Theory]
    [InlineData(1.5, 7200, "deferral.fraction")]
    [InlineData(0.3, 10, "deferral.deadlineSeconds")]
    public void Parse_BadDeferralSection_ListsTheProblem(double fraction, double deadline, string field)
    {
        var json = ScenarioCatalog.ToJson(ShortIncident() with { Deferral = new ScenarioDeferral { Fraction = fraction, DeadlineSeconds = deadline } });

        var e = Assert.Throws<ScenarioException>(() => ScenarioCatalog.Parse(json));

        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArrivalPlan_WithDeferral_SameArrivalsAndDrawsOnlyTheFlagAdded()
    {
        var variant = ScenarioCatalog.Get("long-incident-deferral");
        var plain = ArrivalPlan.Generate(ScenarioCatalog.Get("long-incident"), 7);
        var marked = ArrivalPlan.Generate(variant, 7);

        Assert.Equal(plain.Count, marked.Count);
        Assert.All(plain, p => Assert.False(p.Deferrable));
        Assert.Equal(plain, marked.Select(p => p with { Deferrable = false, Model = plain[p.Index].Model }));
        var share = marked.Count(p => p.Deferrable) / (double)marked.Count;
        Assert.InRange(share, 0.29, 0.31);
    }

    [Fact]
    public async Task MemoryJobStore_FinalResultNeverChanges_EarliestDeadlineFirst()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var store = new MemoryJobStore(time);
        var request = new DeferredRequest("POST", "/v1/messages", [], Encoding.UTF8.GetBytes("{}"));
        var late = (await store.EnqueueAsync("o", null, "m", request, time.GetUtcNow().AddHours(2))).Job;
        var early = (await store.EnqueueAsync("o", null, "m", request, time.GetUtcNow().AddHours(1))).Job;

        Assert.Equal([early.Id, late.Id], (await store.PeekQueuedAsync(10)).Select(j => j.Id));
        Assert.True(await store.TryStartAsync(early.Id));
        Assert.False(await store.TryStartAsync(early.Id));
        Assert.True(await store.CompleteAsync(early.Id, DeferredJobState.Succeeded, new DeferredResponse(200, [], Encoding.UTF8.GetBytes("a"))));
        Assert.False(await store.CompleteAsync(early.Id, DeferredJobState.Failed, new DeferredResponse(400, [], Encoding.UTF8.GetBytes("b"))));
        Assert.False(await store.RequeueAsync(early.Id, "x"));
        Assert.Null(await store.GetAsync("someone-else", early.Id));

        time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(1, await store.ExpireDueAsync(time.GetUtcNow()));
        var done = (await store.GetAsync("o", early.Id))!;
        Assert.Equal(DeferredJobState.Succeeded, done.State);
        Assert.Equal("a", Encoding.UTF8.GetString(done.Response!.Body.Span));
        Assert.Equal(DeferredJobState.Expired, (await store.GetAsync("o", late.Id))!.State);
    }

    [Fact]
    public void PolicyRun_BreakwaterDefer_DeferredRequestsCompleteAfterTheIncident()
    {
        var scenario = ShortIncident();
        var plan = ArrivalPlan.Generate(scenario, 3);

        var without = Metrics.ComputeDeferral(PolicyRun.Run(scenario, plan, BenchPolicies.Breakwater, 3));
        var trace = PolicyRun.Run(scenario, plan, BenchPolicies.BreakwaterDefer, 3);
        var with = Metrics.ComputeDeferral(trace);

        Assert.True(without.CompletionRate < 0.9, $"the incident should fail some deferrable requests live ({without.CompletionRate})");
        Assert.True(with.Deferred > 0);
        Assert.Equal(0, with.JobsUnfinished);
        Assert.True(with.CompletionRate >= 0.99, $"completion {with.CompletionRate}");
        Assert.Equal(with.Deferred, with.JobsSucceeded + with.JobsExpired + with.JobsFailed);

        // Every job finished after the incident ended (jobs wait for the model to be healthy again), within its deadline.
        for (var i = 0; i < plan.Count; i++)
        {
            if (trace.Deferred![i] is { Succeeded: true } job)
            {
                var finished = plan[i].ArrivalSeconds + job.CompletedAfterSeconds;
                Assert.InRange(finished, 300, plan[i].ArrivalSeconds + 1800);
                Assert.True(plan[i].Deferrable);
                Assert.False(trace.Outcomes[i].Succeeded);
            }
        }
    }

    [Fact]
    public void Run_DeferralVariant_ReportCarriesTheDeferralFiguresOnlyThere()
    {
        var report = BenchmarkRunner.Run([ShortIncident(), BenchKit.ShortStorm()], 5, parallelism: 1);

        var variant = report.Scenarios[0];
        Assert.Equal(BenchPolicies.All.Count + 1, variant.Policies.Count);
        Assert.All(variant.Policies, p => Assert.NotNull(p.Deferral));
        Assert.All(report.Scenarios[1].Policies, p => Assert.Null(p.Deferral));
        using var json = JsonDocument.Parse(report.ToJson());
        var scenarios = json.RootElement.GetProperty("modes")[0].GetProperty("scenarios");
        var defer = scenarios[0].GetProperty("policies")[BenchPolicies.All.Count];
        Assert.Equal("breakwater-defer", defer.GetProperty("policy").GetString());
        Assert.True(defer.GetProperty("deferral").GetProperty("completionRate").GetDouble() >= 0.99);
        Assert.False(scenarios[1].GetProperty("policies")[0].TryGetProperty("deferral", out _));
        Assert.Contains("non-def. success", BenchmarkText.Plain(report), StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeDeferral_CountsLiveAndJobCompletions()
    {
        var model = BenchKit.Model("m", 1, 1);
        IReadOnlyList<PlannedRequest> plan = [.. BenchKit.Plan(model, 0, 1, 2, 3).Select((p, i) => p with { Deferrable = i < 3 })];
        var trace = new RunTrace(plan) { Deferred = new DeferredOutcome?[4] };
        trace.Outcomes[0] = new RequestOutcome { Succeeded = true };
        trace.Deferred[1] = new DeferredOutcome { Succeeded = true, State = DeferredJobState.Succeeded, CompletedAfterSeconds = 600, Attempts = 2 };
        trace.Deferred[2] = new DeferredOutcome { State = DeferredJobState.Expired, Attempts = 0 };
        trace.Outcomes[3] = new RequestOutcome { Succeeded = true };

        var d = Metrics.ComputeDeferral(trace);

        Assert.Equal(3, d.Deferrable);
        Assert.Equal(2, d.Completed);
        Assert.Equal(0.6667, d.CompletionRate);
        Assert.Equal(2, d.Deferred);
        Assert.Equal(1, d.JobsSucceeded);
        Assert.Equal(1, d.JobsExpired);
        Assert.Equal(1.0, d.AttemptsPerJob);
        Assert.Equal(600, d.JobP50Seconds);
        Assert.Equal(1, d.NonDeferrable);
        Assert.Equal(1.0, d.NonDeferrableSuccessRate);
    }
}
