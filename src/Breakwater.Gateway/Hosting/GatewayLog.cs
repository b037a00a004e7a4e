using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Hosting;

/// <summary>Every log line the gateway writes. Event ids 5000–5099 are stable. No line ever carries a credential or a body.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Breakwater gateway listening on {Address}, upstream {Upstream}, auth {AuthMode}")]
    public static partial void Listening(ILogger logger, string address, string upstream, string authMode);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Debug, Message = "{Method} {Path} -> {Status} ({Attempts} attempts, giveup {GiveUp}, {ElapsedMs} ms)")]
    public static partial void Completed(ILogger logger, string method, string path, int status, string attempts, string giveUp, long elapsedMs);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "{Method} {Path}: upstream failed before answering ({Kind}); answered {Status} {RequestId}")]
    public static partial void UpstreamFailed(ILogger logger, string method, string path, string kind, int status, string requestId);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "{Method} {Path}: client disconnected; upstream request cancelled")]
    public static partial void ClientDisconnected(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "{Method} {Path}: upstream response broke after {Bytes} bytes ({Kind}); {Action}")]
    public static partial void ResponseBroken(ILogger logger, string method, string path, long bytes, string kind, string action);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "{Method} {Path}: rejected, {Reason} ({RequestId})")]
    public static partial void Rejected(ILogger logger, string method, string path, string reason, string requestId);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Debug, Message = "{Path}: recognised as the client's own retry ({Reason})")]
    public static partial void ClientRetry(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "{Method} {Path}: connection to upstream failed ({Kind}); idempotent retry {Retry} of {MaxRetries}")]
    public static partial void ForwardRetry(ILogger logger, string method, string path, string kind, int retry, int maxRetries);
}
