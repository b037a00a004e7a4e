using System.Globalization;

namespace Breakwater.Bench.Overhead;

/// <summary>
/// The gateway overhead benchmark (BENCHMARKS.md section 2), in one run on loopback: nginx as a zero-delay upstream,
/// then direct, bare YARP, Breakwater and Portkey measured in turn with wrk and a small C# client.
/// </summary>
internal static class OverheadRunner
{
    private static readonly string[] Paths = ["direct", "yarp", "breakwater", "portkey"];

    public static async Task<int> RunAsync(OverheadOptions options)
    {
        var work = Directory.CreateTempSubdirectory("breakwater-bench-").FullName;
        var results = new List<PathResult>();
        var streams = new Dictionary<string, OpenStreamsResult>();
        var notes = new List<string>();
        ChildProcess? portkey = null;
        var started = DateTimeOffset.Now;
        try
        {
            using var nginx = await NginxUpstream.StartAsync();
            Log($"nginx upstream: JSON {nginx.Json}, SSE {nginx.Sse}");
            var portkeyPort = 0;
            if (options.Portkey && options.Includes("portkey"))
            {
                (portkey, portkeyPort) = await StartPortkeyAsync(options.PortkeyDirectory);
                if (portkey is null)
                {
                    notes.Add("portkey: not measured (bench/portkey/node_modules missing; run npm ci there).");
                }
            }

            foreach (var path in Paths)
            {
                if (!options.Includes(path))
                {
                    continue;
                }

                if (path == "portkey" && portkey is null)
                {
                    continue;
                }

                var result = new PathResult { Path = path };
                results.Add(result);
                foreach (var sse in new[] { false, true })
                {
                    if (!options.IncludesMode(sse ? "sse" : "json"))
                    {
                        continue;
                    }

                    var upstream = sse ? nginx.Sse : nginx.Json;
                    using var proxy = await StartAsync(path, upstream, portkey, portkeyPort);
                    var script = Wrk.WriteScript(work, $"{path}-{(sse ? "sse" : "json")}", sse ? Payloads.StreamRequest : Payloads.JsonRequest, proxy.Headers);
                    await CheckAsync(proxy, sse, result);
                    Log($"{path} {(sse ? "SSE" : "JSON")}: warm-up {options.Warmup.TotalSeconds:0} s");
                    await Wrk.RunAsync(proxy.Address, script, 16, options.Warmup);
                    foreach (var connections in new[] { 16, 64, 1 })
                    {
                        var before = await SampleAsync(proxy);
                        var point = await Wrk.RunAsync(proxy.Address, script, connections, options.Duration);
                        if (before is not null && await SampleAsync(proxy) is { } after)
                        {
                            point = point with { Cost = ProcessCost.Between(before, after) };
                        }

                        Log($"{path} {(sse ? "SSE" : "JSON")} c={connections}: {point.RequestsPerSecond:0} req/s, p50 {point.P50Ms:0.000} ms, p99 {point.P99Ms:0.000} ms{CostText(point)}{(point.Non2xx + point.SocketErrors > 0 ? $", {point.Non2xx} non-2xx, {point.SocketErrors} socket errors" : "")}");
                        (sse ? result.Sse : result.Json).Add(point);
                    }

                    if (!sse && proxy.Pid != 0 && path != "portkey")
                    {
                        result.RssAfterLoadBytes = ChildProcess.ReadRss(proxy.Pid);
                    }

                    if (sse && options.TtfbCount > 0)
                    {
                        result.Ttfb = await StreamProbe.TimeToFirstByteAsync(proxy.Address, proxy.Headers, options.TtfbCount);
                        Log($"{path} TTFB: median {result.Ttfb.MedianMs:0.000} ms, p99 {result.Ttfb.P99Ms:0.000} ms ({result.Ttfb.Samples} samples, {result.Ttfb.Failures} failed)");
                    }
                }
            }

            if (portkey is not null)
            {
                results.Single(r => r.Path == "portkey").RssAfterLoadBytes = ChildProcess.ReadRss(portkey.Pid);
            }

            foreach (var (name, path, extra) in new (string, string, string[])[]
                     {
                         ("yarp", "yarp", []),
                         ("breakwater", "breakwater", []),
                         ("breakwater (InitialLimit 1024)", "breakwater", ["--initial-limit", "1024"]),
                         ("portkey", "portkey", []),
                     })
            {
                if ((path == "portkey" && portkey is null) || !options.Includes(path) || options.Streams <= 0)
                {
                    continue;
                }

                if (extra.Length > 0 && streams.TryGetValue("breakwater", out var plain) && plain.OpenAtUpstream >= options.Streams)
                {
                    continue;
                }

                #pragma warning disable CA2000 // False positive: the await using declaration disposes it on every path (the rule misreads await using over an awaited factory inside a loop).
                await using var hold = await HoldOpenUpstream.StartAsync();
                #pragma warning restore CA2000
                using var proxy = await StartAsync(path, hold.Address, portkey, portkeyPort, extra);
                var open = await StreamProbe.OpenStreamsAsync(proxy.Address, proxy.Headers, options.Streams, hold, proxy.Pid);
                streams[name] = open;
                Log($"{name}: {open.Receiving}/{open.Requested} streams receiving, {open.OpenAtUpstream} open upstream, {open.Failed} failed; RSS {Mb(open.IdleRssBytes)} idle -> {Mb(open.RssBytes)} MB");
            }
        }
        finally
        {
            portkey?.Dispose();
        }

        var report = new OverheadReport(started, Environment.ProcessorCount, options, results, streams, notes);
        Console.WriteLine();
        Console.WriteLine(report.ToTable());
        await File.WriteAllTextAsync(options.JsonPath, report.ToJson());
        Console.WriteLine($"JSON written to {Path.GetFullPath(options.JsonPath)}");
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (IOException)
        {
        }

        return 0;
    }

    /// <summary>CPU ticks (any process) and GC counters (our .NET children); null for direct, which has no proxy process.</summary>
    private static async Task<ProcessSample?> SampleAsync(RunningProxy proxy)
    {
        if (proxy.Pid == 0)
        {
            return null;
        }

        return proxy.Child is { } child
            ? await child.SampleAsync(askRuntime: true)
            : new ProcessSample(ProcessCost.ReadCpuTicks(proxy.Pid), null, null, null, null, null);
    }

    private static string CostText(WrkResult point) =>
        point.Cost is not { } cost
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $", proxy CPU {point.CpuUsPerRequest:0.0} us/req")
              + (point.AllocBytesPerRequest is { } alloc ? string.Create(CultureInfo.InvariantCulture, $", {alloc:0} B/req, gen0 {cost.Gen0}, gen1 {cost.Gen1}, gen2 {cost.Gen2}, GC pause {cost.GcPauseMs:0.#} ms") : "");

    internal static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static async Task<RunningProxy> StartAsync(string path, Uri upstream, ChildProcess? portkey, int portkeyPort, string[]? extra = null)
    {
        var none = new Dictionary<string, string>();
        switch (path)
        {
            case "direct":
                return new RunningProxy(upstream, none, 0, null);
            case "yarp":
            {
                var (child, address) = await ChildProcess.StartSelfAsync("yarp", ["serve-yarp", "--upstream", upstream.ToString()]);
                return new RunningProxy(address, none, child.Pid, child);
            }

            case "breakwater":
            {
                var (child, address) = await ChildProcess.StartSelfAsync("breakwater", ["serve-gateway", "--upstream", upstream.ToString(), .. extra ?? []]);
                return new RunningProxy(address, none, child.Pid, child);
            }

            default:
                // Portkey picks the upstream per request: anthropic provider, custom host (loopback is trusted by default).
                var headers = new Dictionary<string, string>
                {
                    ["x-portkey-provider"] = "anthropic",
                    ["x-portkey-custom-host"] = new Uri(upstream, "v1").ToString(),
                };
                return new RunningProxy(new Uri($"http://127.0.0.1:{portkeyPort}/"), headers, portkey!.Pid, null);
        }
    }

    private static async Task<(ChildProcess? Process, int Port)> StartPortkeyAsync(string directory)
    {
        directory = Path.GetFullPath(directory);
        var server = Path.Combine(directory, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
        if (!File.Exists(server))
        {
            return (null, 0);
        }

        var port = Ports.Free();
        // node directly rather than npx, so the process weighed is the gateway itself, not a launcher.
        var child = ChildProcess.Start("portkey", "node", [server, $"--port={port}", "--headless"], directory);
        try
        {
            await Ports.WaitListeningAsync(port, TimeSpan.FromSeconds(60), () => child.HasExited);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            var tail = child.Tail();
            child.Dispose();
            throw new InvalidOperationException(ex.Message + "\n" + tail, ex);
        }

        Log($"portkey gateway on 127.0.0.1:{port} (pid {child.Pid})");
        return (child, port);
    }

    /// <summary>One request before measuring, so a path that answers errors is reported as such, not as fast.</summary>
    private static async Task CheckAsync(RunningProxy proxy, bool sse, PathResult result)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(proxy.Address, "v1/messages"))
        {
            Content = new StringContent(sse ? Payloads.StreamRequest : Payloads.JsonRequest, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-api-key", Payloads.ApiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", Payloads.AnthropicVersion);
        foreach (var (k, v) in proxy.Headers)
        {
            request.Headers.TryAddWithoutValidation(k, v);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var expected = sse ? "message_stop" : "\"end_turn\"";
        if (!response.IsSuccessStatusCode || !body.Contains(expected, StringComparison.Ordinal))
        {
            var note = $"{(sse ? "SSE" : "JSON")}: answers {(int)response.StatusCode} {Truncate(body)}; its figures measure that error, not a relay";
            result.Notes.Add(note);
            Log($"{result.Path} {note}");
        }
    }

    private static string Truncate(string s) => s.Length <= 120 ? s.ReplaceLineEndings(" ") : s[..120].ReplaceLineEndings(" ") + "...";

    private static void Log(string message) => Console.Error.WriteLine($"[overhead] {message}");
}
