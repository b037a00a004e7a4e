using Microsoft.Extensions.Logging;

namespace Breakwater.Telemetry.Journal;

/// <summary>Log messages of the incident journal (event ids 6100-6199).</summary>
internal static partial class JournalLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Warning, Message = "Incident journal at {Path} could not be opened ({Error}); failed attempts are dropped until it can")]
    public static partial void OpenFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Incident journal write failed ({Error}); {Count} records dropped")]
    public static partial void WriteFailed(ILogger logger, string error, int count);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Debug, Message = "Incident journal pruned {Count} records")]
    public static partial void Pruned(ILogger logger, int count);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Incident journal queue full: a failed attempt was dropped ({Dropped} dropped so far)")]
    public static partial void QueueFull(ILogger logger, long dropped);
}
