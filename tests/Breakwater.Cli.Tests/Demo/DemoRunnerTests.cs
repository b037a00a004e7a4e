using Breakwater.Cli.Demo;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

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
