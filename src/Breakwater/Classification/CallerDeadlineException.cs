namespace Breakwater.Classification;

/// <summary>
/// An attempt cut off by the call's own deadline (the caller's <c>x-stainless-timeout</c>, a per-call deadline, or the
/// total deadline), which ended before the attempt timeout would have. Classified like an attempt timeout for the
/// caller, but it says nothing about the upstream's capacity: it never shrinks the concurrency limit, never counts
/// against the breaker or the throttle, and never restarts a deferred job's quiet period.
/// </summary>
internal sealed class CallerDeadlineException : TimeoutException
{
    public CallerDeadlineException()
    {
    }

    public CallerDeadlineException(string message)
        : base(message)
    {
    }

    public CallerDeadlineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
