using Microsoft.Extensions.Logging;

namespace Breakwater.Status;

/// <summary>Log messages of the status page client (event ids 6000-6099).</summary>
internal static partial class StatusPageLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Debug, Message = "Status page {Path} reads as unknown: {Reason}")]
    public static partial void Unknown(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Status page incident now active: {Name} ({Link})")]
    public static partial void IncidentActive(ILogger logger, string name, string? link);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Status page incident no longer active: {Name}")]
    public static partial void IncidentCleared(ILogger logger, string name);
}
