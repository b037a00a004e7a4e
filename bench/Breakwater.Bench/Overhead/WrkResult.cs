namespace Breakwater.Bench.Overhead;

/// <summary>One wrk point: throughput and latency percentiles (milliseconds), plus anything that went wrong, and what the proxy process spent on it.</summary>
internal sealed record WrkResult(int Connections, double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Non2xx, long SocketErrors)
{
    /// <summary>The proxy process's CPU and GC figures over this point (null for direct).</summary>
    public ProcessCost? Cost { get; init; }

    /// <summary>Proxy CPU time per request, microseconds.</summary>
    public double? CpuUsPerRequest => Cost is { } c && Requests > 0 ? c.CpuMs * 1000 / Requests : null;

    /// <summary>Bytes the proxy allocated per request.</summary>
    public double? AllocBytesPerRequest => Cost?.AllocatedBytes is { } a && Requests > 0 ? (double)a / Requests : null;
}
