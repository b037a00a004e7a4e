using Microsoft.Extensions.Logging;

namespace Breakwater.Telemetry;

/// <summary>Source-generated log messages with stable event ids. Never log a header value other than request ids.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Attempt {Attempt} of {MaxAttempts} to {Model} failed: {Status} {ErrorType} ({Kind}), request_id {RequestId}; {Decision} after {WaitMs} ms")]
    public static partial void AttemptFailed(ILogger logger, int attempt, int maxAttempts, string model, string status, string errorType, string kind, string requestId, string decision, long waitMs);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error,
        Message = "Gave up on {Model} after {Attempts} attempt(s): {Reason} (last {Kind}); request_ids {RequestIds}")]
    public static partial void GaveUp(ILogger logger, string model, int attempts, string reason, string kind, string requestIds);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning,
        Message = "Fell back from {FromModel} to {ToModel} after {Kind}; request_ids {RequestIds}")]
    public static partial void FellBack(ILogger logger, string fromModel, string toModel, string kind, string requestIds);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error,
        Message = "Stream from {Model} failed after text was delivered ({Kind}); the caller got an error event; request_id {RequestId}")]
    public static partial void StreamInterrupted(ILogger logger, string model, string kind, string requestId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug,
        Message = "Attempt {Attempt} to {Model} succeeded: {Status}, request_id {RequestId}")]
    public static partial void AttemptSucceeded(ILogger logger, int attempt, string model, int status, string requestId);
}
