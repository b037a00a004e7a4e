using System.Globalization;
using Breakwater.Anthropic;
using Breakwater.Pacing;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Pacing;

public sealed class RateLimitPacerTests
{
    private static (RateLimitPacer Pacer, FakeTimeProvider Time) CreateSut(double threshold = 0.2, TimeSpan? maxDelay = null)
    {
        var time = new ObservableTimeProvider();
        return (new RateLimitPacer(new PacingOptions { Threshold = threshold, MaxDelay = maxDelay ?? TimeSpan.FromSeconds(60) }, time), time);
    }

    private static RateLimitSnapshot Snapshot(FakeTimeProvider time, long limit, long remaining, TimeSpan resetIn, string window = "requests")
    {
        using var response = new HttpResponseMessage();
        var reset = (time.GetUtcNow() + resetIn).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        response.Headers.TryAddWithoutValidation($"anthropic-ratelimit-{window}-limit", limit.ToString(CultureInfo.InvariantCulture));
        response.Headers.TryAddWithoutValidation($"anthropic-ratelimit-{window}-remaining", remaining.ToString(CultureInfo.InvariantCulture));
        response.Headers.TryAddWithoutValidation($"anthropic-ratelimit-{window}-reset", reset);
        return RateLimitSnapshot.From(response.Headers)!;
    }

    /// <summary>The pacer's answer (one place to adapt if NextDelay's shape changes).</summary>
    private static TimeSpan Delay(RateLimitPacer pacer) => pacer.NextDelay();

    [Fact]
    public void NextDelay_NothingObservedYet_IsZero()
    {
        var (sut, _) = CreateSut();

        Assert.Equal(TimeSpan.Zero, Delay(sut));
    }

    [Fact]
    public void NextDelay_RemainingAboveThreshold_IsZero()
    {
        var (sut, time) = CreateSut();
        sut.Observe(Snapshot(time, 20, 5, TimeSpan.FromSeconds(60)));

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero], [Delay(sut), Delay(sut), Delay(sut)]);
    }

    [Fact]
    public void NextDelay_AtThreshold_SpreadsWhatRemainsOverTheTimeLeft()
    {
        var (sut, time) = CreateSut();
        sut.Observe(Snapshot(time, 20, 4, TimeSpan.FromSeconds(60)));

        // 4 left for 60 s: one call every 15 s, each call reserving the next slot.
        Assert.Equal([0, 15, 30, 45], Enumerable.Range(0, 4).Select(_ => Delay(sut).TotalSeconds));
    }

    [Fact]
    public void NextDelay_SlotsAlreadyPassed_StartFromNow()
    {
        var (sut, time) = CreateSut();
        sut.Observe(Snapshot(time, 20, 4, TimeSpan.FromSeconds(60)));
        _ = Delay(sut);
        _ = Delay(sut);

        time.Advance(TimeSpan.FromSeconds(40));

        Assert.Equal(TimeSpan.Zero, Delay(sut));
    }

    [Fact]
    public void NextDelay_NothingLeft_WaitsForTheReset()
    {
        // The class documents "With nothing left, the next call waits for the reset".
        var (sut, time) = CreateSut();
        sut.Observe(Snapshot(time, 20, 0, TimeSpan.FromSeconds(30)));

        Assert.Equal(TimeSpan.FromSeconds(30), Delay(sut));
    }

    [Fact]
    public void NextDelay_ResetPassed_IsZero()
    {
        var (sut, time) = CreateSut();
        sut.Observe(Snapshot(time, 20, 0, TimeSpan.FromSeconds(30)));

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.Zero, Delay(sut));
    }

    [Fact]
    public void NextDelay_LongSpacing_EachWaitIsCappedAtMaxDelay()
    {
        var (sut, time) = CreateSut(maxDelay: TimeSpan.FromSeconds(60));
        sut.Observe(Snapshot(time, 20, 1, TimeSpan.FromSeconds(600)));

        Assert.All(Enumerable.Range(0, 4).Select(_ => Delay(sut)), d => Assert.True(d <= TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void NextDelay_TokenWindow_PacesByTheObservedCostPerCall()
    {
        var (sut, time) = CreateSut();
        sut.Observe(Snapshot(time, 10_000, 1_000, TimeSpan.FromSeconds(60), "input-tokens"));
        sut.Observe(Snapshot(time, 10_000, 900, TimeSpan.FromSeconds(60), "input-tokens"));

        // 100 tokens a call, 900 left: 9 calls in 60 s, one every 6.67 s.
        Assert.Equal([0, 6.667, 13.333], Enumerable.Range(0, 3).Select(_ => Math.Round(Delay(sut).TotalSeconds, 3)));
    }

    [Fact]
    public void NextDelay_TightestWindowWins()
    {
        var (sut, time) = CreateSut();
        using var response = new HttpResponseMessage();
        var reset = (time.GetUtcNow() + TimeSpan.FromSeconds(60)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        foreach (var (w, remaining) in new[] { ("requests", "4"), ("output-tokens", "1") })
        {
            response.Headers.TryAddWithoutValidation($"anthropic-ratelimit-{w}-limit", "20");
            response.Headers.TryAddWithoutValidation($"anthropic-ratelimit-{w}-remaining", remaining);
            response.Headers.TryAddWithoutValidation($"anthropic-ratelimit-{w}-reset", reset);
        }

        sut.Observe(RateLimitSnapshot.From(response.Headers));

        // output-tokens: cost unknown, so 1 call left → 60 s spacing beats the requests window's 15 s.
        Assert.Equal([0, 60], Enumerable.Range(0, 2).Select(_ => Delay(sut).TotalSeconds));
    }

    [Fact]
    public void Observe_NullOrEmpty_KeepsThePreviousReading()
    {
        var (sut, time) = CreateSut();
        sut.Observe(Snapshot(time, 20, 4, TimeSpan.FromSeconds(60)));

        sut.Observe(null);
        sut.Observe(new RateLimitSnapshot());

        Assert.Equal([0, 15], Enumerable.Range(0, 2).Select(_ => Delay(sut).TotalSeconds));
    }
}
