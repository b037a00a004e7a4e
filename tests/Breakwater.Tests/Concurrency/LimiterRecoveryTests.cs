using Breakwater.Concurrency;
using Breakwater.Tests.TestKit;

namespace Breakwater.Tests.Concurrency;

/// <summary>The limit never outlives a storm for lack of traffic: a floor, one decrease per storm, probing while calls wait, idle recovery.</summary>
public sealed class LimiterRecoveryTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    private static (AdaptiveLimiter Limiter, ObservableTimeProvider Time) CreateSut(int initial = 4096, int min = 4, int max = 16384) =>
        CreateSut(new ConcurrencyOptions { InitialLimit = initial, MinLimit = min, MaxLimit = max, ProbeInterval = Probe, RecoveryInterval = Recovery });

    private static (AdaptiveLimiter Limiter, ObservableTimeProvider Time) CreateSut(ConcurrencyOptions options)
    {
        var time = new ObservableTimeProvider();
        return (new AdaptiveLimiter(options, time), time);
    }

    private static async Task<LimiterLease> Take(AdaptiveLimiter limiter)
    {
        var task = limiter.AcquireAsync(Long, CancellationToken.None);
        Assert.True(task.IsCompletedSuccessfully, "a slot was free, the grant must be immediate");
        return (await task)!;
    }

    [Fact]
    public async Task OneCallMeetingFive529sAtIdle_LimitStaysAtTheFloorAndIsBackAtTheCeilingAfterTheRecoveryInterval()
    {
        var (sut, time) = CreateSut(min: 4);

        // One call, five attempts, each met by a 529, with the retry waits between them.
        for (var i = 0; i < 5; i++)
        {
            (await Take(sut)).Release(LimitSignal.Overload);
            time.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(4, sut.Limit);

        // No further traffic: the limit recovers on its own.
        time.Advance(Recovery - TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(4, sut.Limit);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(4096, sut.Limit);
        Assert.Equal(4096, sut.RecoveryLimit);
    }

    [Fact]
    public async Task Overload_FromAnAttemptStartedBeforeTheLastDecrease_DoesNotShrinkAgain()
    {
        var (sut, time) = CreateSut(initial: 100, min: 1);
        var early = new List<LimiterLease>();
        for (var i = 0; i < 40; i++)
        {
            early.Add(await Take(sut));
        }

        early[0].Release(LimitSignal.Overload);
        Assert.Equal(30, sut.Limit);

        // Seconds later, the rest of the same storm comes back: sent under the old limit, it says nothing new.
        time.Advance(TimeSpan.FromSeconds(5));
        foreach (var l in early.Skip(1).Take(20))
        {
            l.Release(LimitSignal.Overload);
        }

        Assert.Equal(30, sut.Limit);

        // An attempt sent after the decrease that is refused too is a new round trip: it shrinks again.
        var late = await Take(sut);
        time.Advance(TimeSpan.FromSeconds(1));
        late.Release(LimitSignal.Overload);
        Assert.Equal(15, sut.Limit);
        foreach (var l in early.Skip(21))
        {
            l.Release(LimitSignal.Neutral);
        }
    }

    [Fact]
    public async Task ThreeLongStreamsAndOne529_WaitersGetSlotsWithinThreeProbeIntervalsWithoutAnyRelease()
    {
        var (sut, time) = CreateSut(min: 4);
        var streams = new[] { await Take(sut), await Take(sut), await Take(sut) };
        (await Take(sut)).Release(LimitSignal.Overload);
        Assert.Equal(4, sut.Limit);

        // One slot is free; five more calls wait.
        var first = await Take(sut);
        var waiting = Enumerable.Range(0, 5).Select(_ => sut.AcquireAsync(Long, CancellationToken.None)).ToArray();
        Assert.All(waiting, w => Assert.False(w.IsCompleted));

        // The streams keep going and nothing is released: the probe timer alone lets the waiters in, one slot, then
        // two, then the rest (slow start, never more than wait).
        time.Advance(Probe - TimeSpan.FromMilliseconds(1));
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, waiting.Count(w => w.IsCompletedSuccessfully));
        Assert.Equal(5, sut.Limit);
        time.Advance(Probe);
        Assert.Equal(3, waiting.Count(w => w.IsCompletedSuccessfully));
        Assert.Equal(7, sut.Limit);
        time.Advance(Probe);
        Assert.All(waiting, w => Assert.True(w.IsCompletedSuccessfully));
        Assert.Equal(0, sut.Queued);

        // Nothing waits any more and the overload is a recovery interval (30 s) old: back at the start.
        Assert.Equal(4096, sut.Limit);

        foreach (var l in streams.Append(first))
        {
            l.Release(LimitSignal.Success);
        }

        foreach (var w in waiting)
        {
            (await w)!.Release(LimitSignal.Success);
        }
    }

    [Fact]
    public async Task Probe_AnOverloadDuringTheInterval_PostponesIt()
    {
        var (sut, time) = CreateSut(initial: 2, min: 1, max: 100);
        var a = await Take(sut);
        var b = await Take(sut);
        var waiter = sut.AcquireAsync(Long, CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(8));
        a.Release(LimitSignal.Overload);
        Assert.Equal(1, sut.Limit);
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.False(waiter.IsCompleted);

        // Ten seconds after the overload, not after the call began to wait.
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(waiter.IsCompletedSuccessfully);
        Assert.Equal(2, sut.Limit);
        b.Release(LimitSignal.Neutral);
        (await waiter)!.Release(LimitSignal.Neutral);
    }

    [Fact]
    public async Task SustainedIncident_DecreasesKeepComing_NoProbingOnlySuccessesAndIdleRecovery()
    {
        var (sut, time) = CreateSut(initial: 10, min: 1, max: 100);
        var leases = new List<LimiterLease>();
        for (var i = 0; i < 4; i++)
        {
            leases.Add(await Take(sut));
        }

        leases[0].Release(LimitSignal.Overload);
        Assert.Equal(3, sut.Limit);
        time.Advance(TimeSpan.FromSeconds(5));
        leases[1].Release(LimitSignal.Neutral);
        var late = await Take(sut);
        time.Advance(TimeSpan.FromSeconds(1));
        late.Release(LimitSignal.Overload);
        Assert.Equal(2, sut.Limit);

        // Two decreases within a recovery interval: waiting calls do not probe an upstream that keeps refusing.
        var waiter = sut.AcquireAsync(Long, CancellationToken.None);
        time.Advance(Probe * 2);
        Assert.False(waiter.IsCompleted);

        // A success still grows it (and hands the freed slot on).
        leases[2].Release(LimitSignal.Success);
        Assert.True(waiter.IsCompletedSuccessfully);
        Assert.Equal(3, sut.Limit);
        (await waiter)!.Release(LimitSignal.Neutral);
        leases[3].Release(LimitSignal.Neutral);

        // Once nothing waits and the model has been quiet for the recovery interval, it is back at its start.
        Assert.Equal(3, sut.Limit);
        time.Advance(Recovery);
        Assert.Equal(10, sut.Limit);
    }

    [Fact]
    public async Task IdleRecovery_NotWhileCallsWaitNorWithinTheIntervalOfAnOverload()
    {
        var (sut, time) = CreateSut(initial: 8, min: 1, max: 8);
        var leases = new List<LimiterLease>();
        for (var i = 0; i < 8; i++)
        {
            leases.Add(await Take(sut));
        }

        leases[0].Release(LimitSignal.Overload);
        Assert.Equal(6, sut.Limit);
        time.Advance(Recovery - TimeSpan.FromSeconds(1));
        Assert.Equal(6, sut.Limit);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(8, sut.Limit);
        foreach (var l in leases.Skip(1))
        {
            l.Release(LimitSignal.Neutral);
        }
    }
}
