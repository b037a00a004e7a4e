namespace Breakwater.Pipeline;

/// <summary>
/// Waits on the injected clock whose continuation runs where the timer fires. <c>TimeProvider.Delay</c> (and so
/// Polly's retry delay) resumes on the thread pool, which would let a discrete-event clock run ahead of the code
/// it drives; this keeps the pipeline deterministic under virtual time and costs nothing in real time.
/// </summary>
internal static class Waits
{
    public static Task Delay(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var state = new DelayState(cancellationToken);
        state.Timer = time.CreateTimer(static s => ((DelayState)s!).Fire(), state, delay, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
        {
            state.Registration = cancellationToken.UnsafeRegister(static s => ((DelayState)s!).Cancel(), state);
        }

        return state.Task;
    }

    private sealed class DelayState(CancellationToken token) : TaskCompletionSource(TaskCreationOptions.None)
    {
        public ITimer? Timer { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public void Fire()
        {
            Cleanup();
            TrySetResult();
        }

        public void Cancel()
        {
            Cleanup();
            TrySetCanceled(token);
        }

        private void Cleanup()
        {
            Timer?.Dispose();
            Registration.Dispose();
        }
    }
}
