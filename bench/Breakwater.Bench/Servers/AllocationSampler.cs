using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace Breakwater.Bench.Servers;

/// <summary>
/// Which types a child server allocates, from the runtime's own sampled GC AllocationTick events (one per ~100 KB
/// allocated), with no tool attached. Opt-in with <c>BENCH_ALLOC_SAMPLE=1</c>; a <c>allocs FILE</c> line on stdin
/// writes the table. For finding allocation hot spots in a proxy; not used by the overhead figures.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    public static AllocationSampler? Instance { get; private set; }

    public static void StartIfRequested()
    {
        if (Environment.GetEnvironmentVariable("BENCH_ALLOC_SAMPLE") == "1")
        {
            Instance = new AllocationSampler();
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // GC keyword, verbose: AllocationTick.
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is null)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
    }

    public string Table()
    {
        var total = _bytes.Values.Sum();
        var sb = new StringBuilder();
        foreach (var (type, bytes) in _bytes.OrderByDescending(kv => kv.Value).Take(60))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{bytes * 100.0 / Math.Max(1, total),6:0.0}%  {bytes,14:N0}  {type}");
        }

        _bytes.Clear();
        return sb.ToString();
    }
}
