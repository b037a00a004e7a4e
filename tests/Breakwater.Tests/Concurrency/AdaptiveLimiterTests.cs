using Breakwater.Concurrency;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Concurrency;

public sealed class AdaptiveLimiterTests
{
    private static (AdaptiveLimiter Limiter, FakeTimeProvider Time) CreateSut(int initial = 4, int min = 1, int max = 100, double factor = 0.5, int maxQueue = 10)
    {
        var time = new ObservableTimeProvider();
        var options = new ConcurrencyOptions { InitialLimit = initial, MinLimit = min, MaxLimit = max, DecreaseFactor = factor, MaxQueue = maxQueue };
        return (new AdaptiveLimiter(options, time), time);
    }

    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);

    private static async Task<LimiterLease> Take(AdaptiveLimiter limiter)
    {
        var task = limiter.AcquireAsync(Long, CancellationToken.None);
        Assert.True(task.IsCompletedSuccessfully, "a slot was free, the grant must be immediate");
        return (await task)!;
    }

    [Fact]
    public async Task AcquireAsync_UnderTheLimit_GrantsAtOnce()
    {
        var (sut, _) = CreateSut(initial: 4);

        for (var i = 0; i < 4; i++)
        {
            await Take(sut);
        }

        Assert.Equal(4, sut.InFlight);
        Assert.Equal(0, sut.Queued);
    }

    [Fact]
    public void Constructor_InitialOutsideBounds_IsClamped()
    {
        Assert.Equal(10, CreateSut(initial: 50, max: 10).Limiter.Limit);
        Assert.Equal(3, CreateSut(initial: 1, min: 3).Limiter.Limit);
    }

    [Fact]
    public async Task Release_OverloadsWithinOneSecond_ShrinkOnlyOnce()
    {
        var (sut, time) = CreateSut(initial: 8);
        var leases = new[] { await Take(sut), await Take(sut), await Take(sut) };

        foreach (var l in leases)
        {
            l.Release(LimitSignal.Overload);
        }

        Assert.Equal(4, sut.Limit);

        time.Advance(TimeSpan.FromMilliseconds(999));
        (await Take(sut)).Release(LimitSignal.Overload);
        Assert.Equal(4, sut.Limit);

        time.Advance(TimeSpan.FromMilliseconds(1));
        (await Take(sut)).Release(LimitSignal.Overload);
        Assert.Equal(2, sut.Limit);
    }

    [Fact]
    public async Task Release_Overload_NeverBelowMinLimit()
    {
        var (sut, time) = CreateSut(initial: 3, min: 2);

        for (var i = 0; i < 5; i++)
        {
            (await Take(sut)).Release(LimitSignal.Overload);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(2, sut.Limit);
    }

    [Fact]
    public async Task Release_Success_GrowsByOneOverTheLimit()
    {
        var (sut, _) = CreateSut(initial: 4);

        // 4 → 4.25 → 4.49 → 4.71 → 4.92 → 5.12
        for (var i = 0; i < 4; i++)
        {
            (await Take(sut)).Release(LimitSignal.Success);
        }

        Assert.Equal(4, sut.Limit);
        (await Take(sut)).Release(LimitSignal.Success);
        Assert.Equal(5, sut.Limit);
    }

    [Fact]
    public async Task Release_SuccessesAfterAStorm_GrowBackToTheCeiling()
    {
        var (sut, _) = CreateSut(initial: 8, max: 8, factor: 0.25);
        (await Take(sut)).Release(LimitSignal.Overload);
        Assert.Equal(2, sut.Limit);

        // 2 + Σ 1/limit reaches 8 after exactly 30 successes.
        for (var i = 0; i < 29; i++)
        {
            (await Take(sut)).Release(LimitSignal.Success);
        }

        Assert.Equal(7, sut.Limit);
        (await Take(sut)).Release(LimitSignal.Success);
        Assert.Equal(8, sut.Limit);
        for (var i = 0; i < 20; i++)
        {
            (await Take(sut)).Release(LimitSignal.Success);
        }

        Assert.Equal(8, sut.Limit);
    }

    [Fact]
    public async Task Release_Neutral_LeavesTheLimitAlone()
    {
        var (sut, _) = CreateSut(initial: 4);

        for (var i = 0; i < 10; i++)
        {
            (await Take(sut)).Release(LimitSignal.Neutral);
        }

        Assert.Equal(4, sut.Limit);
        Assert.Equal(0, sut.InFlight);
    }

    [Fact]
    public async Task AcquireAsync_OverTheLimit_WaitsAndIsGrantedInFifoOrder()
    {
        var (sut, _) = CreateSut(initial: 2, max: 2);
        var a = await Take(sut);
        var b = await Take(sut);
        var waiters = Enumerable.Range(0, 3).Select(_ => sut.AcquireAsync(Long, CancellationToken.None)).ToArray();

        Assert.All(waiters, w => Assert.False(w.IsCompleted));
        Assert.Equal(3, sut.Queued);

        b.Release(LimitSignal.Neutral);
        Assert.Equal([true, false, false], waiters.Select(w => w.IsCompleted));
        a.Release(LimitSignal.Neutral);
        Assert.Equal([true, true, false], waiters.Select(w => w.IsCompleted));
        (await waiters[0])!.Release(LimitSignal.Neutral);
        Assert.Equal([true, true, true], waiters.Select(w => w.IsCompleted));
        Assert.Equal(2, sut.InFlight);
        Assert.Equal(0, sut.Queued);
    }

    [Fact]
    public async Task Release_AfterAShrink_WaiterWaitsUntilInFlightIsUnderTheNewLimit()
    {
        var (sut, _) = CreateSut(initial: 2, max: 2);
        var a = await Take(sut);
        var b = await Take(sut);
        var first = sut.AcquireAsync(Long, CancellationToken.None);

        // Shrink to 1 while both are out: releasing one leaves in-flight 1 = limit, so 'first' keeps waiting.
        a.Release(LimitSignal.Overload);
        Assert.Equal(1, sut.Limit);
        Assert.False(first.IsCompleted);

        b.Release(LimitSignal.Neutral);
        Assert.True(first.IsCompletedSuccessfully);
        Assert.NotNull(await first);
    }

    [Fact]
    public async Task AcquireAsync_WaitRunsOut_ReturnsNullAndLeavesTheQueue()
    {
        var (sut, time) = CreateSut(initial: 1);
        var held = await Take(sut);
        var waiter = sut.AcquireAsync(TimeSpan.FromSeconds(5), CancellationToken.None);

        time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(waiter.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(waiter.IsCompletedSuccessfully);
        Assert.Null(await waiter);
        Assert.Equal(0, sut.Queued);
        held.Release(LimitSignal.Neutral);
        Assert.Equal(0, sut.InFlight);
    }

    [Fact]
    public async Task AcquireAsync_QueueFull_ReturnsNullAtOnce()
    {
        var (sut, _) = CreateSut(initial: 1, maxQueue: 2);
        await Take(sut);
        var queued = new[] { sut.AcquireAsync(Long, CancellationToken.None), sut.AcquireAsync(Long, CancellationToken.None) };

        var refused = sut.AcquireAsync(Long, CancellationToken.None);

        Assert.True(refused.IsCompletedSuccessfully);
        Assert.Null(await refused);
        Assert.Equal(2, sut.Queued);
        Assert.All(queued, q => Assert.False(q.IsCompleted));
    }

    [Fact]
    public async Task AcquireAsync_MaxQueueZero_NeverWaits()
    {
        var (sut, _) = CreateSut(initial: 1, maxQueue: 0);
        await Take(sut);

        Assert.Null(await sut.AcquireAsync(Long, CancellationToken.None));
    }

    [Fact]
    public async Task AcquireAsync_NoTimeLeft_ReturnsNullAtOnce()
    {
        var (sut, _) = CreateSut(initial: 1);
        await Take(sut);

        var task = sut.AcquireAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.True(task.IsCompletedSuccessfully);
        Assert.Null(await task);
        Assert.Equal(0, sut.Queued);
    }

    [Fact]
    public async Task AcquireAsync_WaiterCancelled_IsRemovedAndNeverGranted()
    {
        var (sut, _) = CreateSut(initial: 1);
        var held = await Take(sut);
        using var cts = new CancellationTokenSource();
        var cancelled = sut.AcquireAsync(Long, cts.Token);
        var next = sut.AcquireAsync(Long, CancellationToken.None);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, sut.Queued);
        held.Release(LimitSignal.Neutral);
        Assert.True(next.IsCompletedSuccessfully);
        Assert.Equal(1, sut.InFlight);
        Assert.Equal(0, sut.Queued);
    }

    [Fact]
    public async Task Release_Twice_CountsOnce()
    {
        var (sut, _) = CreateSut(initial: 2);
        var a = await Take(sut);
        await Take(sut);

        a.Release(LimitSignal.Success);
        a.Release(LimitSignal.Success);

        Assert.Equal(1, sut.InFlight);
    }

    [Fact]
    public async Task Release_GrowthPastAnInteger_WakesAWaiter()
    {
        var (sut, _) = CreateSut(initial: 1, max: 10);
        var a = await Take(sut);
        var waiter = sut.AcquireAsync(Long, CancellationToken.None);

        // 1 → 2 on one success: the freed slot and the new one.
        a.Release(LimitSignal.Success);

        Assert.Equal(2, sut.Limit);
        Assert.True(waiter.IsCompletedSuccessfully);
        Assert.Equal(1, sut.InFlight);
    }
}
