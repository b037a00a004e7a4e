using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Retry;
using Breakwater.Telemetry;

namespace Breakwater.Tests.Telemetry.Journal;

internal static class JournalTestData
{
    public static AttemptRecord Record(DateTimeOffset at, string requestId, FailureKind kind = FailureKind.Overloaded, string model = "claude-sonnet-4-5", int? status = 529,
        AttemptDecision decision = AttemptDecision.Retried, string? message = "Overloaded", RateLimitSnapshot? rateLimits = null) => new()
    {
        Timestamp = at,
        Client = "test",
        Model = model,
        Attempt = 1,
        StatusCode = status,
        Kind = kind,
        ErrorType = FailureKindInfo.ErrorTypeOf(kind),
        RequestId = requestId,
        RateLimits = rateLimits,
        Decision = decision,
        GiveUp = decision == AttemptDecision.GaveUp ? GiveUpReason.Attempts : GiveUpReason.None,
        Delay = decision == AttemptDecision.Retried ? TimeSpan.FromMilliseconds(1500) : null,
        Message = message,
    };

    public static string TempPath()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bw-journal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, "journal.db");
    }
}
