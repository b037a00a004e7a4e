using System.Globalization;

namespace Breakwater.Bench.Overhead;

/// <summary>
/// What a proxy process spent over one wrk point: CPU (user + system, from /proc/&lt;pid&gt;/stat) and, for the .NET
/// children, bytes allocated and GCs (from the child's own counters). CPU per request survives a noisy machine far
/// better than requests/s: another build slows the proxy down but does not make it do more work per request.
/// </summary>
internal sealed record ProcessCost(double CpuMs, long? AllocatedBytes, int? Gen0, int? Gen1, int? Gen2, double? GcPauseMs)
{
    // USER_HZ is 100 on every Linux this runs on (getconf CLK_TCK); /proc reports CPU in those ticks.
    private const double MsPerTick = 10.0;

    public static ProcessCost Between(ProcessSample before, ProcessSample after) => new(
        (after.CpuTicks - before.CpuTicks) * MsPerTick,
        after.Allocated - before.Allocated,
        after.Gen0 - before.Gen0,
        after.Gen1 - before.Gen1,
        after.Gen2 - before.Gen2,
        after.PauseMs - before.PauseMs);

    /// <summary>utime + stime of a process, in clock ticks.</summary>
    public static long ReadCpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may contain spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
