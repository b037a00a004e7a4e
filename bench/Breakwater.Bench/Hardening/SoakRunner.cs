using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Breakwater.Bench.Hardening;

/// <summary>
/// <c>soak</c>: steady mixed traffic through the gateway for <c>--minutes</c> (stream workers, each sending one stream of
/// <c>--deltas</c> deltas after another, and JSON workers sending short calls with a pause between them), sampling the
/// gateway's RSS and GC counts every <c>--sample</c> seconds; with <c>--full-gc-at-end</c>, once traffic has stopped, the
/// gateway's managed heap and RSS after a forced full collection.
/// </summary>
internal static class SoakRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var duration = TimeSpan.FromMinutes(double.Parse(StreamsRunner.Arg(args, "--minutes") ?? "30", CultureInfo.InvariantCulture));
        var streamWorkers = StreamsRunner.ArgInt(args, "--stream-workers", 40);
        var jsonWorkers = StreamsRunner.ArgInt(args, "--json-workers", 4);
        var jsonPause = TimeSpan.FromMilliseconds(StreamsRunner.ArgInt(args, "--json-pause-ms", 50));
        var deltas = StreamsRunner.ArgInt(args, "--deltas", 30);
        var deltaInterval = TimeSpan.FromMilliseconds(StreamsRunner.ArgInt(args, "--delta-ms", 100));
        var sampleEvery = TimeSpan.FromSeconds(StreamsRunner.ArgInt(args, "--sample", 30));
        var jsonPath = StreamsRunner.Arg(args, "--json");

        await using var upstream = await MixedUpstream.StartAsync(TimeSpan.Zero, deltas, deltaInterval);
        var (child, gateway) = await BenchRequests.StartGatewayAsync(upstream.Address, StreamsRunner.Arg(args, "--gateway-command"), StreamsRunner.Arg(args, "--config"));
        using var _ = child;
        using var handler = new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = int.MaxValue };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource();

        long sequence = 0, calls = 0, streams = 0, failures = 0;
        var latencies = new List<double>();
        var samples = new List<SoakSample>();
        var workers = new List<Task>();
        for (var w = 0; w < streamWorkers; w++)
        {
            workers.Add(Task.Run(async () =>
            {
                var buffer = new byte[16 * 1024];
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        using var request = BenchRequests.Create(gateway, stream: true, Interlocked.Increment(ref sequence));
                        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                        await using var body = await response.Content.ReadAsStreamAsync(stop.Token);
                        var tail = Array.Empty<byte>();
                        int read;
                        while ((read = await body.ReadAsync(buffer, stop.Token)) > 0)
                        {
                            tail = buffer[Math.Max(0, read - 64)..read];
                        }

                        if (response.IsSuccessStatusCode && tail.AsSpan().IndexOf("message_stop"u8) >= 0)
                        {
                            Interlocked.Increment(ref streams);
                        }
                        else
                        {
                            Interlocked.Increment(ref failures);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                    {
                        if (!stop.IsCancellationRequested)
                        {
                            Interlocked.Increment(ref failures);
                        }
                    }
                }
            }));
        }

        for (var w = 0; w < jsonWorkers; w++)
        {
            workers.Add(Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var t = Stopwatch.StartNew();
                    if (await StreamsRunner.ShortCallAsync(client, gateway, Interlocked.Increment(ref sequence), stop.Token))
                    {
                        Interlocked.Increment(ref calls);
                        lock (latencies)
                        {
                            latencies.Add(t.Elapsed.TotalMilliseconds);
                        }
                    }
                    else if (!stop.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref failures);
                    }

                    try
                    {
                        await Task.Delay(jsonPause, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }));
        }

        var clock = Stopwatch.StartNew();
        Console.WriteLine($"soak: {duration.TotalMinutes:0.#} min, {streamWorkers} stream workers ({deltas} deltas {deltaInterval.TotalMilliseconds:0} ms apart), {jsonWorkers} JSON workers ({jsonPause.TotalMilliseconds:0} ms pause); gateway pid {child.Pid}, RSS {StreamsRunner.Mb(child.RssBytes())} MB at start");
        long lastCalls = 0, lastStreams = 0, lastFailures = 0;
        while (clock.Elapsed < duration)
        {
            var next = TimeSpan.FromTicks(sampleEvery.Ticks * (samples.Count + 1));
            await Task.Delay(next < duration ? next - clock.Elapsed : duration - clock.Elapsed);
            List<double> window;
            lock (latencies)
            {
                window = [.. latencies];
                latencies.Clear();
            }

            window.Sort();
            var stats = await child.SampleAsync(askRuntime: true);
            long c = Interlocked.Read(ref calls), s = Interlocked.Read(ref streams), f = Interlocked.Read(ref failures);
            var sample = new SoakSample(Math.Round(clock.Elapsed.TotalMinutes, 2), Math.Round(child.RssBytes() / 1048576.0, 1), stats.Gen0, stats.Gen1, stats.Gen2,
                c - lastCalls, s - lastStreams, f - lastFailures, Math.Round(BenchRequests.Quantile(window, 0.5), 2), Math.Round(BenchRequests.Quantile(window, 0.99), 2));
            (lastCalls, lastStreams, lastFailures) = (c, s, f);
            samples.Add(sample);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{sample.Minutes,6:0.00} min  RSS {sample.RssMb,6:0.0} MB  gen0/1/2 {sample.Gen0}/{sample.Gen1}/{sample.Gen2}  window: {sample.Calls} calls, {sample.Streams} streams, {sample.Failures} failed, call p50 {sample.CallP50Ms:0.00} ms p99 {sample.CallP99Ms:0.00} ms"));
            if (child.HasExited)
            {
                Console.WriteLine($"the gateway exited at {clock.Elapsed.TotalMinutes:0.0} min");
                break;
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(30));
        double? heapMb = null, rssAfterGcMb = null;
        if (args.Contains("--full-gc-at-end") && !child.HasExited)
        {
            // Traffic stopped: a full collection shows what the gateway still holds (a leak stays, garbage goes).
            heapMb = await child.FullGcHeapAsync() is { } heap ? Math.Round(heap / 1048576.0, 1) : null;
            rssAfterGcMb = Math.Round(child.RssBytes() / 1048576.0, 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"traffic stopped, after a full GC: managed heap {heapMb} MB, RSS {rssAfterGcMb} MB"));
        }

        if (jsonPath is not null)
        {
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(
                new { date = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture), minutes = duration.TotalMinutes, streamWorkers, jsonWorkers, deltas, samples, heapAfterFullGcMb = heapMb, rssAfterFullGcMb = rssAfterGcMb },
                BenchRequests.Json));
        }

        return Interlocked.Read(ref failures) == 0 ? 0 : 1;
    }
}
