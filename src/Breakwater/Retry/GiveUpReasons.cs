namespace Breakwater.Retry;

/// <summary>Wire names of <see cref="GiveUpReason"/>.</summary>
internal static class GiveUpReasons
{
    public static string ToWire(GiveUpReason reason) => reason switch
    {
        GiveUpReason.NotRetryable => "not-retryable",
        GiveUpReason.Attempts => "attempts",
        GiveUpReason.Budget => "budget",
        GiveUpReason.Deadline => "deadline",
        GiveUpReason.Breaker => "breaker",
        GiveUpReason.Throttled => "throttled",
        GiveUpReason.Queue => "queue",
        _ => "none",
    };
}
