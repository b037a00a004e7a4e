namespace Breakwater;

/// <summary>Per-call settings, set on <see cref="HttpRequestMessage.Options"/>.</summary>
public static class BreakwaterRequestOptions
{
    /// <summary>This call's deadline (all attempts and waits), used when shorter than <see cref="BreakwaterOptions.TotalDeadline"/>.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> Deadline = new("Breakwater.Deadline");

    /// <summary>
    /// Marks a call that is itself a retry by the caller (for example a client behind the gateway retrying on its own):
    /// its first attempt draws on the retry budget instead of counting as a new call, so stacked retries cannot multiply load.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> IsClientRetry = new("Breakwater.IsClientRetry");

    /// <summary>
    /// Marks deferred work (the <see cref="Deferral.DeferralWorker"/> sets it): the call takes a concurrency slot only if
    /// one is free now (it never queues ahead of live calls), is not retried or moved to a fallback model (the worker
    /// sends it again later), does not grow the adaptive limit when it succeeds, and does not count as a first attempt
    /// of the retry budget. Default false.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> Background = new("Breakwater.Background");
}
