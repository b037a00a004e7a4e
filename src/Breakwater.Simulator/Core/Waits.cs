using Breakwater.Simulator.Capacity;

namespace Breakwater.Simulator.Core;

/// <summary>
/// Waits that never hop threads: plain TaskCompletionSources completed from timer or cancellation callbacks, and
/// ContinueWith(ExecuteSynchronously). No Task.Delay/WaitAsync/Yield, whose continuations may be queued elsewhere.
/// </summary>
internal static class Waits
{
    public static async Task<ServiceTicket> ForStartAsync(CapacityModel capacity, Admission admission, CancellationToken ct)
    {
        var task = admission.Ticket!;
        if (task.IsCompleted || !ct.CanBeCanceled || admission.Waiter is null)
        {
            return await task.ConfigureAwait(false);
        }

        using var registration = ct.Register(
            static (s, token) =>
            {
                var (cap, waiter) = ((CapacityModel, QueueWaiter))s!;
                if (cap.Abandon(waiter))
                {
                    waiter.Started.TrySetCanceled(token);
                }
            },
            (capacity, admission.Waiter));
        return await task.ConfigureAwait(false);
    }

    public static async Task ForAsync(Task task, CancellationToken ct)
    {
        if (task.IsCompleted || !ct.CanBeCanceled)
        {
            await task.ConfigureAwait(false);
            return;
        }

        var tcs = new TaskCompletionSource();
        using var registration = ct.Register(static (s, token) => ((TaskCompletionSource)s!).TrySetCanceled(token), tcs);
        _ = task.ContinueWith(
            static (_, s) => ((TaskCompletionSource)s!).TrySetResult(),
            tcs,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        await tcs.Task.ConfigureAwait(false);
    }

    public static Task DelayAsync(TimeProvider time, TimeSpan delay, CancellationToken ct)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var tcs = new TaskCompletionSource();
        var timer = time.CreateTimer(static s => ((TaskCompletionSource)s!).TrySetResult(), tcs, delay, Timeout.InfiniteTimeSpan);
        _ = tcs.Task.ContinueWith(static (_, t) => ((ITimer)t!).Dispose(), timer, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return ForAsync(tcs.Task, ct);
    }
}
