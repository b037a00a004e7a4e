namespace Breakwater.Bench.Servers;

/// <summary>The few <c>--name value</c> flags the child servers take.</summary>
internal static class ChildArgs
{
    public static string? Get(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    public static string Require(string[] args, string name) =>
        Get(args, name) ?? throw new ArgumentException($"{name} is required.");

    /// <summary>
    /// Announces the address on stdout (the parent waits for this line) and runs until stdin closes, so a child never
    /// outlives the benchmark that started it, even when that one is killed. A <c>stats</c> line on stdin is answered
    /// with this process's GC figures (<see cref="StatsLine"/>): the benchmark reads allocations per request from the
    /// proxy process itself, with nothing added to the product. <c>fullgc</c> forces a full compacting collection and
    /// answers <c>HEAP bytes</c> (the soak's last reading).
    /// </summary>
    public static async Task AnnounceAndWaitAsync(Uri address)
    {
        Console.Out.WriteLine("LISTENING " + address);
        Console.Out.Flush();
        await Task.Run(() =>
        {
            while (Console.In.ReadLine() is { } line)
            {
                if (line.Trim() == "stats")
                {
                    Console.Out.WriteLine(StatsLine());
                    Console.Out.Flush();
                }
                else if (line.Trim() == "fullgc")
                {
                    // For the soak's last reading only: what the managed heap holds once garbage is gone.
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                    GC.WaitForPendingFinalizers();
                    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                    Console.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"HEAP {GC.GetTotalMemory(forceFullCollection: false)}"));
                    Console.Out.Flush();
                }
                else if (line.StartsWith("allocs ", StringComparison.Ordinal) && AllocationSampler.Instance is { } sampler)
                {
                    File.WriteAllText(line["allocs ".Length..].Trim(), sampler.Table());
                }
            }
        });
    }

    /// <summary><c>STATS allocatedBytes gen0 gen1 gen2 pauseMs</c>, cumulative since the process started.</summary>
    public static string StatsLine() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"STATS {GC.GetTotalAllocatedBytes(precise: true)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetTotalPauseDuration().TotalMilliseconds:0.###}");
}
