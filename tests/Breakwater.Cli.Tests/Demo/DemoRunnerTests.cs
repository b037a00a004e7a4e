using Breakwater.Classification;
using Breakwater.Cli.Demo;
using Breakwater.Retry;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;
using Breakwater.Telemetry;

namespace Breakwater.Cli.Tests.Demo;

public sealed class DemoRunnerTests
{
    [Fact]
    public async Task RunAsync_ShortFlashStorm_BreakwaterSucceedsMoreAndKeepsEveryFailedAttemptsRequestId()
    {
        // The 15 s run at its scale, in virtual time: the same ticks of scenario time, none waited for.
        var runner = new DemoRunner(new DemoSettings("flash-storm", Seed: 3, WallSeconds: 15), new VirtualTimeProvider());

        // Off the test's SynchronizationContext: the virtual clock fires every timer and continuation on this thread.
        var result = await Task.Run(() => runner.RunAsync(null, CancellationToken.None));

        Assert.Equal(result.Unprotected.Sent, result.Protected.Sent);
        Assert.True(result.Unprotected.Failed > 0, "the storm must hurt the unprotected side");
        Assert.True(result.Protected.Succeeded > result.Unprotected.Succeeded,
            $"breakwater {result.Protected.Succeeded} vs none {result.Unprotected.Succeeded}");
        Assert.Equal(result.Protected.FailedAttempts, result.Protected.RequestIdsKept);
        Assert.Equal(0, result.Unprotected.InFlight);
        Assert.Equal(0, result.Protected.InFlight);

        // The reading is this run's own counts.
        var text = DemoReport.Reading(result);
        var p = result.Protected;
        Assert.Contains($"Through Breakwater {p.Failed} of {p.Sent} failed", text, StringComparison.Ordinal);
        Assert.Contains($"with {p.UpstreamAttempts} upstream attempts for {p.Sent} requests", text, StringComparison.Ordinal);
        Assert.True(p.LimitAtStart > p.LowestLimit, $"the limit should have shrunk: {p.LimitAtStart} -> {p.LowestLimit}");
        Assert.Contains($"fell to {p.LowestLimit} calls in flight", text, StringComparison.Ordinal);
        if (p.Retries > 0)
        {
            Assert.Contains($"retries: {DemoReport.Plural(p.Retries, "retry", "retries")} after waits of", text, StringComparison.Ordinal);
        }

        Assert.NotNull(p.Latency(0.5));
        Assert.NotNull(result.Unprotected.Latency(0.95));
        Assert.True(p.Latency(0.5) <= p.Latency(0.95));
    }

    [Fact]
    public async Task RunAsync_SameSeedAnySeconds_SameCounts()
    {
        // --seconds only sets how fast the run is shown: each arrival is a timer at its own scenario time.
        static async Task<DemoResult> Run(double seconds)
        {
            var runner = new DemoRunner(new DemoSettings("flash-storm", Seed: 2, WallSeconds: seconds), new VirtualTimeProvider());
            return await Task.Run(() => runner.RunAsync(null, CancellationToken.None));
        }

        var fast = await Run(8);
        var slow = await Run(60);

        Assert.NotEqual(fast.TimeScale, slow.TimeScale);
        foreach (var (a, b) in new[] { (fast.Unprotected, slow.Unprotected), (fast.Protected, slow.Protected) })
        {
            Assert.Equal((a.Sent, a.Succeeded, a.Failed, a.UpstreamAttempts, a.FailedAttempts, a.Retries, a.Fallbacks),
                (b.Sent, b.Succeeded, b.Failed, b.UpstreamAttempts, b.FailedAttempts, b.Retries, b.Fallbacks));
            Assert.Equal(a.Latency(0.95), b.Latency(0.95));
        }
    }

    private static AttemptRecord Decision(AttemptDecision decision, TimeSpan? delay = null, GiveUpReason giveUp = GiveUpReason.None, string? requestId = null) => new()
    {
        Timestamp = DateTimeOffset.UnixEpoch,
        Client = "demo",
        Model = "sonnet",
        Attempt = 1,
        StatusCode = 529,
        Kind = FailureKind.Overloaded,
        RequestId = requestId,
        Decision = decision,
        Delay = delay,
        GiveUp = giveUp,
    };

    [Fact]
    public void How_NamesEachMechanismWithItsCounts()
    {
        var bw = new DemoPathStats("bw");
        var sink = new DemoIncidentSink(bw);
        bw.OnLimiter(4096, 0);
        bw.OnLimiter(12, 30);
        bw.OnLimiter(20, 5);
        sink.Record(Decision(AttemptDecision.Retried, TimeSpan.FromSeconds(1), requestId: "req_1"));
        sink.Record(Decision(AttemptDecision.Retried, TimeSpan.FromSeconds(3), requestId: "req_2"));
        sink.Record(Decision(AttemptDecision.FellBack, requestId: "req_3"));
        sink.Record(Decision(AttemptDecision.GaveUp, giveUp: GiveUpReason.Budget));
        sink.Record(Decision(AttemptDecision.GaveUp, giveUp: GiveUpReason.Queue));
        bw.OnFallback();

        var lines = DemoReport.How(bw);

        Assert.Equal(
        [
            "concurrency limit: it started at 4096 (no limit until the first 529), fell to 12 calls in flight and held up to 30 calls waiting locally at once instead of sending them into the storm",
            "retries: 2 retries after waits of 2.0 s on average (longest 3.0 s), jittered backoff for 529 and retry-after for 429",
            "fallback: 1 call moved to the next model of the chain, and a fallback model served 1 success (breakwater-fallback-from says which)",
            "retry budget: it refused 1 retry that would have added to the storm (those calls failed fast instead)",
            "local refusals: 1 call refused without reaching the API (open breaker, client-side throttle, or no concurrency slot before the deadline)",
        ], lines);
        Assert.Equal(3, bw.RequestIdsKept);
    }

    [Fact]
    public void How_OneRetry_IsSingular()
    {
        var bw = new DemoPathStats("bw");
        new DemoIncidentSink(bw).Record(Decision(AttemptDecision.Retried, TimeSpan.FromSeconds(1.4), requestId: "req_1"));

        Assert.Equal(["retries: 1 retry after waits of 1.4 s on average (longest 1.4 s), jittered backoff for 529 and retry-after for 429"], DemoReport.How(bw));
    }

    [Fact]
    public void Cost_ShowsP50AndP95OfSuccessesOnBothPaths()
    {
        var none = new DemoPathStats("none");
        var bw = new DemoPathStats("bw");
        for (var i = 1; i <= 20; i++)
        {
            none.OnSucceeded(TimeSpan.FromSeconds(i));
            bw.OnSucceeded(TimeSpan.FromSeconds(i * 2));
        }

        Assert.Equal(
            "The cost: successful calls took 20.0 s / 38.0 s (p50 / p95) through Breakwater against 10.0 s / 19.0 s without it; the waits are what turned failures into successes.",
            DemoReport.Cost(none, bw));
    }

    [Theory]
    [InlineData(1, "It kept 1 request_id of failed attempts", "The request_id Breakwater kept: req_0")]
    [InlineData(2, "It kept 2 request_ids of failed attempts", "The 2 request_ids Breakwater kept: req_0, req_1")]
    [InlineData(5, "It kept 5 request_ids of failed attempts", "The first 3 of the 5 request_ids Breakwater kept: ")]
    public void Reading_RequestIds_PluralRight(int kept, string sentence, string sample)
    {
        var window = DemoWindow.For(ScenarioCatalog.Get("flash-storm"));
        var bw = new DemoPathStats("bw");
        for (var i = 0; i < kept; i++)
        {
            bw.KeepRequestId("req_" + i);
        }

        var text = DemoReport.Reading(new DemoResult(window.Scenario, window, new DemoPathStats("none"), bw, TimeSpan.FromSeconds(1), 8, 1));

        Assert.Contains(sentence, text, StringComparison.Ordinal);
        Assert.StartsWith(sample, DemoReport.SampleLine(bw), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flash-storm")]
    [InlineData("opus-outage")]
    [InlineData("rate-limited")]
    [InlineData("masked-gateway")]
    [InlineData("steady")]
    public void Suggestion_NeverTheScenarioJustRun(string scenario)
    {
        var text = DemoReport.Suggestion(scenario);

        Assert.DoesNotContain("--scenario " + scenario + ",", text + ",", StringComparison.Ordinal);
        Assert.DoesNotContain("--scenario " + scenario + ".", text, StringComparison.Ordinal);
        Assert.Equal(3, text.Split("--scenario ").Length - 1);
    }

    [Fact]
    public void Footer_ExplainsTheClockAndWhatTheCountsDependOn()
    {
        var window = DemoWindow.For(ScenarioCatalog.Get("flash-storm"));

        var text = DemoReport.Footer(new DemoResult(window.Scenario, window, new DemoPathStats("none"), new DemoPathStats("bw"), TimeSpan.FromSeconds(25), 8, 1));

        Assert.Contains("The clock starts at 0 when the demo does (the scenario's 04:00).", text, StringComparison.Ordinal);
        Assert.Contains("Counts depend on --scenario and --seed (seed 1), not on --seconds", text, StringComparison.Ordinal);
        Assert.EndsWith("Try --scenario opus-outage, --scenario rate-limited, --scenario masked-gateway.", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Line_ClockStartsAtZero()
    {
        var window = DemoWindow.For(ScenarioCatalog.Get("flash-storm"));

        var line = DemoReport.Line(new DemoProgress(0, window, new DemoPathStats("none"), new DemoPathStats("bw"), 1));

        Assert.StartsWith("t=00:00 ", line, StringComparison.Ordinal);
    }

    [Fact]
    public void For_FlashStorm_PlaysFromAMinuteBeforeTheIncidentAndShiftsItsTimeline()
    {
        var window = DemoWindow.For(ScenarioCatalog.Get("flash-storm"));

        Assert.Equal(240, window.OffsetSeconds);
        Assert.Equal(60, window.Scenario.Incidents[0].StartSeconds);
        Assert.Equal(90, window.Scenario.Incidents[0].EndSeconds);
        Assert.Equal(180, window.ArrivalSeconds);
    }

    [Fact]
    public void Arrivals_SameSeed_AreIdentical()
    {
        var window = DemoWindow.For(ScenarioCatalog.Get("flash-storm"));

        var a = DemoRunner.Arrivals(window, 5);
        var b = DemoRunner.Arrivals(window, 5);

        Assert.Equal(a, b);
        Assert.InRange(a.Count, 1200, 1800); // 8.4 arrivals/s over 180 s
    }

    [Fact]
    public void Reading_NamesTheCauseAndTheFigures()
    {
        var window = DemoWindow.For(ScenarioCatalog.Get("flash-storm"));
        var none = new DemoPathStats("none");
        var bw = new DemoPathStats("bw");
        for (var i = 0; i < 10; i++)
        {
            none.OnSent();
            bw.OnSent();
            bw.OnSucceeded();
            bw.OnAttempt(failed: false);
            none.OnAttempt(failed: i < 3);
            if (i < 3)
            {
                none.OnFailed("529 overloaded");
            }
            else
            {
                none.OnSucceeded();
            }
        }

        var text = DemoReport.Reading(new DemoResult(window.Scenario, window, none, bw, TimeSpan.FromSeconds(1), 8, 1));

        Assert.Contains("not your key, quota, code or network", text, StringComparison.Ordinal);
        Assert.Contains("3 of 10 requests failed (30.0%)", text, StringComparison.Ordinal);
        Assert.Contains("0 of 10 failed", text, StringComparison.Ordinal);
    }
}
