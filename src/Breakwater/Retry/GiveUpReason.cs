namespace Breakwater.Retry;

/// <summary>Why a call stopped with a failure; sent as <c>breakwater-giveup</c>.</summary>
public enum GiveUpReason
{
    /// <summary>The call did not give up.</summary>
    None = 0,
    /// <summary>The failure is not retryable (4xx, spend limit, x-should-retry: false, stream interrupted after text).</summary>
    NotRetryable,
    /// <summary>The plan's attempts (or its retry window) were used up.</summary>
    Attempts,
    /// <summary>The client's retry budget was empty.</summary>
    Budget,
    /// <summary>The next wait would pass the call's deadline.</summary>
    Deadline,
    /// <summary>The model's circuit breaker is open and no fallback model could take the call.</summary>
    Breaker,
    /// <summary>Client-side adaptive throttling rejected the call locally.</summary>
    Throttled,
    /// <summary>The call waited for a concurrency slot until its deadline or the queue was full.</summary>
    Queue,
}
