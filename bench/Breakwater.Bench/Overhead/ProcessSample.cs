using System.Globalization;

namespace Breakwater.Bench.Overhead;

/// <summary>One reading of a proxy process: CPU ticks, and the .NET child's cumulative GC counters when it has them.</summary>
internal sealed record ProcessSample(long CpuTicks, long? Allocated, int? Gen0, int? Gen1, int? Gen2, double? PauseMs)
{
    /// <summary>Reads a <c>STATS allocated gen0 gen1 gen2 pauseMs</c> line (see ChildArgs.StatsLine).</summary>
    public static ProcessSample FromStatsLine(long cpuTicks, string? line)
    {
        var parts = line?.Split(' ');
        if (parts is not { Length: 6 } || parts[0] != "STATS")
        {
            return new ProcessSample(cpuTicks, null, null, null, null, null);
        }

        var c = CultureInfo.InvariantCulture;
        return new ProcessSample(cpuTicks, long.Parse(parts[1], c), int.Parse(parts[2], c), int.Parse(parts[3], c), int.Parse(parts[4], c), double.Parse(parts[5], c));
    }
}
