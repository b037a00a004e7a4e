namespace Breakwater.Bench.Overhead;

/// <summary>One wrk point: throughput and latency percentiles (milliseconds), plus anything that went wrong.</summary>
internal sealed record WrkResult(int Connections, double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Non2xx, long SocketErrors);
