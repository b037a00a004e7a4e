using Breakwater.Simulator.Capacity;

namespace Breakwater.Simulator.Background;

/// <summary>A queued background caller: it gives up after the attempt timeout (leaving the queue, as a cancelled
/// request does) unless service starts first, which disposes its timer.</summary>
internal sealed class BackgroundWaiter
{
    private readonly BackgroundStream _stream;
    private readonly QueueWaiter _waiter;
    private ITimer? _timer;

    private BackgroundWaiter(BackgroundStream stream, QueueWaiter waiter)
    {
        _stream = stream;
        _waiter = waiter;
    }

    public static void Watch(BackgroundStream stream, QueueWaiter waiter, TimeSpan attemptTimeout)
    {
        var watch = new BackgroundWaiter(stream, waiter);
        watch._timer = stream.Capacity.Time.CreateTimer(static s => ((BackgroundWaiter)s!).OnTimeout(), watch, attemptTimeout, Timeout.InfiniteTimeSpan);

        // Attached after the timer exists, so a start that already happened still disposes it.
        _ = waiter.Started.Task.ContinueWith(
            static (task, s) => ((BackgroundWaiter)s!).OnSettled(task.Status == TaskStatus.RanToCompletion),
            watch,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void OnSettled(bool started)
    {
        if (started)
        {
            _stream.CountServedFromQueue();
        }
        else if (_waiter.Shed)
        {
            _stream.CountShed();
        }

        _timer?.Dispose();
    }

    private void OnTimeout()
    {
        if (_stream.Capacity.Abandon(_waiter))
        {
            _stream.CountAbandoned();
            _waiter.Started.TrySetCanceled();
        }

        _timer?.Dispose();
    }
}
