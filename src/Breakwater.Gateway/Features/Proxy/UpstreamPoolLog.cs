using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>The upstream pools' log lines (event ids 5050–5059 of the gateway's stable 5000–5099).</summary>
internal static partial class UpstreamPoolLog
{
    [LoggerMessage(EventId = 5050, Level = LogLevel.Warning, Message = "{Setting} ({Cap}) is below Breakwater:Concurrency:MaxLimit ({Limit}) and the upstream may speak HTTP/1.1: past {Cap} open streams, a stream waits inside the connection pool for another one to end")]
    public static partial void CapBelowLimit(ILogger logger, string setting, int cap, int limit);
}
