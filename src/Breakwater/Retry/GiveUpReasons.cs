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

    /// <summary>The reason <see cref="ToWire"/> names <paramref name="wire"/> (case-insensitive, surrounding blanks ignored), or <c>null</c> for any other text.</summary>
    public static GiveUpReason? FromWire(string? wire) => wire?.Trim().ToLowerInvariant() switch
    {
        "none" => GiveUpReason.None,
        "not-retryable" => GiveUpReason.NotRetryable,
        "attempts" => GiveUpReason.Attempts,
        "budget" => GiveUpReason.Budget,
        "deadline" => GiveUpReason.Deadline,
        "breaker" => GiveUpReason.Breaker,
        "throttled" => GiveUpReason.Throttled,
        "queue" => GiveUpReason.Queue,
        _ => null,
    };
}
