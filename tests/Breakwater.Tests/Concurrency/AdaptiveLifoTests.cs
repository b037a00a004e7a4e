using Breakwater.Concurrency;
using Breakwater.Tests.TestKit;

namespace Breakwater.Tests.Concurrency;

/// <summary>The wait queue: first come first served while young, newest first under a backlog, and no call kept past the point it could finish.</summary>
public sealed class AdaptiveLifoTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);

    private static (AdaptiveLimiter Limiter, ObservableTimeProvider Time) CreateSut(int limit = 1)
    {
        var time = new ObservableTimeProvider();
        var options = new ConcurrencyOptions { InitialLimit = limit, MaxLimit = limit, MaxQueue = 100, LifoAfter = TimeSpan.FromSeconds(1) };
        return (new AdaptiveLimiter(options, time), time);
    }

    [Fact]
    public async Task Release_QueueYoungerThanLifoAfter_GrantsTheOldestWaiterFirst()
    {
        var (sut, time) = CreateSut();
        var held = (await sut.AcquireAsync(Long, CancellationToken.None))!;
        var waiters = Enumerable.Range(0, 3).Select(_ => sut.AcquireAsync(Long, CancellationToken.None)).ToArray();
        time.Advance(TimeSpan.FromMilliseconds(900));

        held.Release(LimitSignal.Neutral);

        Assert.Equal([true, false, false], waiters.Select(w => w.IsCompleted));
    }

    [Fact]
    public async Task Release_QueueStoodLongerThanLifoAfter_GrantsTheNewestWaiterFirst()
    {
        var (sut, time) = CreateSut();
        var held = (await sut.AcquireAsync(Long, CancellationToken.None))!;
        var waiters = Enumerable.Range(0, 3).Select(_ => sut.AcquireAsync(Long, CancellationToken.None)).ToArray();
        time.Advance(TimeSpan.FromSeconds(1));

        held.Release(LimitSignal.Neutral);

        Assert.Equal([false, false, true], waiters.Select(w => w.IsCompleted));
        (await waiters[2])!.Release(LimitSignal.Neutral);
        Assert.Equal([false, true, true], waiters.Select(w => w.IsCompleted));
    }

    [Fact]
    public async Task Release_QueueEmptiedMeanwhile_IsYoungAgain()
    {
        var (sut, time) = CreateSut();
        var held = (await sut.AcquireAsync(Long, CancellationToken.None))!;
        var first = sut.AcquireAsync(Long, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));
        held.Release(LimitSignal.Neutral);
        var next = (await first)!;

        // The queue was empty in between: a new backlog starts first come, first served.
        var waiters = Enumerable.Range(0, 2).Select(_ => sut.AcquireAsync(Long, CancellationToken.None)).ToArray();
        next.Release(LimitSignal.Neutral);

        Assert.Equal([true, false], waiters.Select(w => w.IsCompleted));
    }

    [Fact]
    public async Task AcquireAsync_DeadlineLeavesNoRoomForAnAttempt_WaiterLeavesBeforeItsDeadline()
    {
        var (sut, time) = CreateSut();

        // One success of 10 s: the shortest service to expect is half of it, 5 s.
        var first = (await sut.AcquireAsync(Long, CancellationToken.None))!;
        time.Advance(TimeSpan.FromSeconds(10));
        first.Release(LimitSignal.Success);
        Assert.Equal(10, sut.ServiceSeconds, 6);

        var held = (await sut.AcquireAsync(Long, CancellationToken.None))!;
        var waiter = sut.AcquireAsync(Long, TimeSpan.FromSeconds(12), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(6.9));
        Assert.False(waiter.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.2));

        Assert.True(waiter.IsCompletedSuccessfully);
        Assert.Null(await waiter);
        Assert.Equal(0, sut.Queued);
        held.Release(LimitSignal.Neutral);
        Assert.Equal(0, sut.InFlight);
    }

    [Fact]
    public async Task Release_OldestWaiterCanNoLongerFinish_IsRefusedAndTheSlotGoesToTheNext()
    {
        var (sut, time) = CreateSut();
        var first = (await sut.AcquireAsync(Long, CancellationToken.None))!;
        time.Advance(TimeSpan.FromSeconds(10));
        first.Release(LimitSignal.Success);

        var held = (await sut.AcquireAsync(Long, CancellationToken.None))!;
        var shortLived = sut.AcquireAsync(Long, TimeSpan.FromSeconds(30), CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(500));
        var patient = sut.AcquireAsync(Long, TimeSpan.FromSeconds(300), CancellationToken.None);

        // The service estimate grows (a long success elsewhere) while both wait: 30 s no longer leave room.
        time.Advance(TimeSpan.FromMilliseconds(100));
        held.Release(LimitSignal.Neutral);
        Assert.True(shortLived.IsCompletedSuccessfully);
        var again = (await shortLived)!;
        time.Advance(TimeSpan.FromSeconds(200));
        again.Release(LimitSignal.Success);

        Assert.True(sut.ServiceSeconds > 20);
        Assert.True(patient.IsCompletedSuccessfully);
        Assert.NotNull(await patient);
    }
}
