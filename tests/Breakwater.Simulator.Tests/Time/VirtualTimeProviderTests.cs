using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests.Time;

public class VirtualTimeProviderTests
{
    private static VirtualTimeProvider CreateSut() => new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void RunUntil_TimersWithEqualDueTime_FireInCreationOrderAtTheirDueTime()
    {
        var clock = CreateSut();
        var fired = new List<(string, TimeSpan)>();
        using var b = clock.CreateTimer(_ => fired.Add(("b", clock.Elapsed)), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        using var a = clock.CreateTimer(_ => fired.Add(("a", clock.Elapsed)), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        using var c = clock.CreateTimer(_ => fired.Add(("c", clock.Elapsed)), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);

        clock.RunUntil(clock.GetUtcNow().AddSeconds(10));

        Assert.Equal([("a", TimeSpan.FromSeconds(2)), ("b", TimeSpan.FromSeconds(5)), ("c", TimeSpan.FromSeconds(5))], fired);
        Assert.Equal(TimeSpan.FromSeconds(10), clock.Elapsed);
    }

    [Fact]
    public void RunUntil_PeriodicTimer_RearmsUntilDisposed()
    {
        var clock = CreateSut();
        var count = 0;
        ITimer? timer = null;
        timer = clock.CreateTimer(_ =>
        {
            if (++count == 3)
            {
                timer!.Dispose();
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        clock.Advance(TimeSpan.FromSeconds(100));

        Assert.Equal(3, count);
        Assert.Equal(0, clock.PendingTimers);
    }

    [Fact]
    public void Change_MovesTheDueTime_AndDisposeCancels()
    {
        var clock = CreateSut();
        var fired = new List<TimeSpan>();
        using var moved = clock.CreateTimer(_ => fired.Add(clock.Elapsed), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var cancelled = clock.CreateTimer(_ => fired.Add(TimeSpan.MaxValue), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);

        moved.Change(TimeSpan.FromSeconds(7), Timeout.InfiniteTimeSpan);
        cancelled.Dispose();
        clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal([TimeSpan.FromSeconds(7)], fired);
        Assert.False(cancelled.Change(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void Callback_CreatingATimerDueNow_FiresInTheSameRun()
    {
        var clock = CreateSut();
        var order = new List<int>();
        using var outer = clock.CreateTimer(_ =>
        {
            order.Add(1);
            clock.CreateTimer(_ => order.Add(2), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([1, 2], order);
    }

    [Fact]
    public void GetTimestamp_IsConsistentWithGetUtcNow()
    {
        var clock = CreateSut();
        var t0 = clock.GetTimestamp();
        var u0 = clock.GetUtcNow();

        clock.Advance(TimeSpan.FromMilliseconds(1500));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), clock.GetElapsedTime(t0));
        Assert.Equal(u0.AddMilliseconds(1500), clock.GetUtcNow());
    }

    [Fact]
    public void DelayAndTimeoutToken_WithVirtualProvider_ContinueOnTheDrivingThread()
    {
        var clock = CreateSut();
        var testThread = Environment.CurrentManagedThreadId;
        var threads = new List<int>();

        async Task DelayAsync()
        {
            await Task.Delay(TimeSpan.FromMinutes(90), clock).ConfigureAwait(false);
            threads.Add(Environment.CurrentManagedThreadId);
        }

        async Task TimeoutAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30), clock);
            var cancelled = new TaskCompletionSource();
            using var registration = cts.Token.Register(() => cancelled.TrySetResult());
            await cancelled.Task.ConfigureAwait(false);
            threads.Add(Environment.CurrentManagedThreadId);
        }

        var delay = DelayAsync();
        var timeout = TimeoutAsync();
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(90));

        Assert.True(delay.IsCompletedSuccessfully);
        Assert.True(timeout.IsCompletedSuccessfully);
        Assert.Equal([testThread, testThread], threads);
    }
}
