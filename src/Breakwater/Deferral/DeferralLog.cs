using Microsoft.Extensions.Logging;

namespace Breakwater.Deferral;

internal static partial class DeferralLog
{
    [LoggerMessage(EventId = 6200, Level = LogLevel.Warning, Message = "Deferral: {Count} jobs were running when the process stopped; they are queued again and may reach the upstream twice")]
    public static partial void Recovered(ILogger logger, int count);

    [LoggerMessage(EventId = 6201, Level = LogLevel.Information, Message = "Deferral: job {Id} finished {State} with status {Status}")]
    public static partial void Completed(ILogger logger, string id, DeferredJobState state, int status);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Debug, Message = "Deferral: job {Id} requeued: {Error}")]
    public static partial void Requeued(ILogger logger, string id, string error);

    [LoggerMessage(EventId = 6203, Level = LogLevel.Information, Message = "Deferral: {Count} jobs expired")]
    public static partial void Expired(ILogger logger, int count);

    [LoggerMessage(EventId = 6204, Level = LogLevel.Warning, Message = "Deferral: poll failed ({Error})")]
    public static partial void PollFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 6205, Level = LogLevel.Warning, Message = "Deferral: completion callback for job {Id} failed ({Error}); it is called again on the next poll")]
    public static partial void CallbackFailed(ILogger logger, string id, string error);

    [LoggerMessage(EventId = 6206, Level = LogLevel.Information, Message = "Deferral: {Count} finished jobs older than the retention period were deleted")]
    public static partial void Purged(ILogger logger, int count);
}
