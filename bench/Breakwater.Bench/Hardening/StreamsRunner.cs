using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Breakwater.Bench.Hardening;

/// <summary>
/// <c>streams</c>: N streams held open through the gateway at once (each held <c>--hold</c> seconds by the upstream after
/// its first delta), then short JSON calls one after another while they are all open. Reports how long each stream
/// waited for its first delta, the short calls' p50/p99/max latency, and the gateway's RSS.
/// </summary>
internal static class StreamsRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var streams = ArgInt(args, "--streams", 2000);
        var hold = TimeSpan.FromSeconds(ArgInt(args, "--hold", 60));
        var calls = ArgInt(args, "--calls", 200);
        var jsonPath = Arg(args, "--json");

        await using var upstream = await MixedUpstream.StartAsync(hold, 0, TimeSpan.Zero);
        var (child, gateway) = await BenchRequests.StartGatewayAsync(upstream.Address, Arg(args, "--gateway-command"), Arg(args, "--config"));
        using var _ = child;
        using var handler = new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = int.MaxValue };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource(hold + TimeSpan.FromSeconds(240));

        for (var i = 0; i < 20; i++)
        {
            await ShortCallAsync(client, gateway, -i - 1, stop.Token);
        }

        var idleRss = child.RssBytes();
        Console.WriteLine($"gateway pid {child.Pid}, idle RSS {Mb(idleRss)} MB; opening {streams} streams (held {hold.TotalSeconds:0} s each by the upstream)");

        var clock = Stopwatch.StartNew();
        var waits = new double[streams];
        var completed = 0;
        var failed = 0;
        using var gate = new SemaphoreSlim(200);
        var tasks = new List<Task>(streams);
        for (var i = 0; i < streams; i++)
        {
            await gate.WaitAsync(stop.Token);
            var n = i;
            tasks.Add(Task.Run(async () =>
            {
                waits[n] = double.NaN;
                var released = false;
                try
                {
                    using var request = BenchRequests.Create(gateway, stream: true, n);
                    var sent = clock.Elapsed;
                    var sending = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                    // Ramp: at most 200 streams waiting for headers, or for one second each, so that a gateway that
                    // queues streams does not stop the ramp.
                    await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(1), stop.Token));
                    gate.Release();
                    released = true;
                    using var response = await sending;
                    await using var body = await response.Content.ReadAsStreamAsync(stop.Token);
                    var buffer = new byte[4096];
                    var read = await body.ReadAsync(buffer, stop.Token);
                    if (!response.IsSuccessStatusCode || read == 0)
                    {
                        Interlocked.Increment(ref failed);
                        return;
                    }

                    waits[n] = (clock.Elapsed - sent).TotalMilliseconds;
                    using var rest = new MemoryStream();
                    rest.Write(buffer, 0, read);
                    await body.CopyToAsync(rest, stop.Token);
                    if (rest.ToArray().AsSpan().IndexOf("event: message_stop"u8) >= 0)
                    {
                        Interlocked.Increment(ref completed);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                {
                    Interlocked.Increment(ref failed);
                }
                finally
                {
                    if (!released)
                    {
                        gate.Release();
                    }
                }
            }));
        }

        var rampSeconds = clock.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var receiving = waits.Count(w => !double.IsNaN(w) && w > 0);
        Console.WriteLine($"all {streams} sent in {rampSeconds:0.0} s; {receiving} receiving, {upstream.Open} open at the upstream; now {calls} short JSON calls one after another");

        var latencies = new List<double>(calls);
        var callFailures = 0;
        for (var i = 0; i < calls; i++)
        {
            var t = Stopwatch.StartNew();
            if (await ShortCallAsync(client, gateway, i, stop.Token))
            {
                latencies.Add(t.Elapsed.TotalMilliseconds);
            }
            else
            {
                callFailures++;
            }
        }

        var openDuringCalls = upstream.Open;
        var rss = child.RssBytes();
        latencies.Sort();
        Console.WriteLine($"short calls: p50 {BenchRequests.Quantile(latencies, 0.5):0.00} ms, p99 {BenchRequests.Quantile(latencies, 0.99):0.00} ms, max {(latencies.Count > 0 ? latencies[^1] : double.NaN):0.00} ms, {callFailures} failed; {openDuringCalls} streams open at the upstream at the end; gateway RSS {Mb(rss)} MB");

        await Task.WhenAll(tasks).WaitAsync(hold + TimeSpan.FromSeconds(240));
        var sorted = waits.Where(w => !double.IsNaN(w)).OrderBy(w => w).ToList();
        Console.WriteLine($"streams: {completed} complete, {failed} failed; wait for the first delta p50 {BenchRequests.Quantile(sorted, 0.5):0.0} ms, p99 {BenchRequests.Quantile(sorted, 0.99):0.0} ms, max {(sorted.Count > 0 ? sorted[^1] : double.NaN):0.0} ms");

        if (jsonPath is not null)
        {
            var result = new
            {
                date = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
                streams,
                holdSeconds = hold.TotalSeconds,
                streamsComplete = completed,
                streamsFailed = failed,
                firstDeltaWaitMs = new { p50 = BenchRequests.Quantile(sorted, 0.5), p99 = BenchRequests.Quantile(sorted, 0.99), max = sorted.Count > 0 ? sorted[^1] : double.NaN },
                shortCalls = calls,
                shortCallFailures = callFailures,
                shortCallMs = new { p50 = BenchRequests.Quantile(latencies, 0.5), p99 = BenchRequests.Quantile(latencies, 0.99), max = latencies.Count > 0 ? latencies[^1] : double.NaN },
                openAtUpstreamDuringCalls = openDuringCalls,
                rssIdleMb = Mb(idleRss),
                rssWithStreamsMb = Mb(rss),
            };
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(result, BenchRequests.Json));
        }

        return completed == streams && callFailures == 0 ? 0 : 1;
    }

    internal static async Task<bool> ShortCallAsync(HttpClient client, Uri gateway, long n, CancellationToken cancellation)
    {
        try
        {
            using var request = BenchRequests.Create(gateway, stream: false, n);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(120));
            using var response = await client.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            return response.IsSuccessStatusCode && body.Length > 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    internal static string? Arg(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    internal static int ArgInt(string[] args, string name, int fallback) =>
        Arg(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    internal static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
