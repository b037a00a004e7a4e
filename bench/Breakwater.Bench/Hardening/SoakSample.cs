namespace Breakwater.Bench.Hardening;

/// <summary>One soak reading: minutes since the start, the gateway's RSS, its GC counts, and the traffic of the window before it.</summary>
internal sealed record SoakSample(double Minutes, double RssMb, int? Gen0, int? Gen1, int? Gen2, long Calls, long Streams, long Failures, double CallP50Ms, double CallP99Ms);
