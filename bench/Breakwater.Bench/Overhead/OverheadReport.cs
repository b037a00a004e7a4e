using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Breakwater.Bench.Overhead;

/// <summary>The figures of one run, the ratios between them, and the targets, as a text table and as JSON.</summary>
internal sealed class OverheadReport(
    DateTimeOffset started,
    int cores,
    OverheadOptions options,
    IReadOnlyList<PathResult> paths,
    IReadOnlyDictionary<string, OpenStreamsResult> streams,
    IReadOnlyList<string> notes)
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private PathResult? Get(string path) => paths.FirstOrDefault(p => p.Path == path);

    public IReadOnlyDictionary<string, double?> Ratios()
    {
        var r = new Dictionary<string, double?>();
        var bw = Get("breakwater");
        var yarp = Get("yarp");
        var direct = Get("direct");
        var portkey = Get("portkey");
        foreach (var c in new[] { 16, 64 })
        {
            r[$"breakwaterOverYarpJsonRps_c{c}"] = Div(bw?.JsonAt(c)?.RequestsPerSecond, yarp?.JsonAt(c)?.RequestsPerSecond);
            r[$"breakwaterOverYarpSseRps_c{c}"] = Div(bw?.SseAt(c)?.RequestsPerSecond, yarp?.SseAt(c)?.RequestsPerSecond);
            r[$"breakwaterOverPortkeyJsonRps_c{c}"] = Div(bw?.JsonAt(c)?.RequestsPerSecond, portkey?.JsonAt(c)?.RequestsPerSecond);
        }

        // Per-request cost of the proxy process: the figure that survives a noisy machine. Lower is better.
        foreach (var c in new[] { 16, 64, 1 })
        {
            r[$"breakwaterOverYarpJsonCpuPerRequest_c{c}"] = Div(bw?.JsonAt(c)?.CpuUsPerRequest, yarp?.JsonAt(c)?.CpuUsPerRequest);
            r[$"breakwaterOverYarpSseCpuPerRequest_c{c}"] = Div(bw?.SseAt(c)?.CpuUsPerRequest, yarp?.SseAt(c)?.CpuUsPerRequest);
        }

        r["breakwaterOverYarpJsonAllocPerRequest_c16"] = Div(bw?.JsonAt(16)?.AllocBytesPerRequest, yarp?.JsonAt(16)?.AllocBytesPerRequest);
        r["breakwaterOverYarpSseAllocPerRequest_c16"] = Div(bw?.SseAt(16)?.AllocBytesPerRequest, yarp?.SseAt(16)?.AllocBytesPerRequest);

        foreach (var p in new[] { yarp, bw, portkey })
        {
            if (p is null || direct is null)
            {
                continue;
            }

            r[$"{p.Path}AddedJsonP50Ms"] = Sub(p.JsonAt(1)?.P50Ms, direct.JsonAt(1)?.P50Ms);
            r[$"{p.Path}AddedJsonP99Ms"] = Sub(p.JsonAt(1)?.P99Ms, direct.JsonAt(1)?.P99Ms);
            r[$"{p.Path}AddedSseP50Ms"] = Sub(p.SseAt(1)?.P50Ms, direct.SseAt(1)?.P50Ms);
            r[$"{p.Path}AddedSseP99Ms"] = Sub(p.SseAt(1)?.P99Ms, direct.SseAt(1)?.P99Ms);
            r[$"{p.Path}AddedTtfbMedianMs"] = Sub(p.Ttfb?.MedianMs, direct.Ttfb?.MedianMs);
        }

        return r;
    }

    public IReadOnlyList<(string Target, bool? Met, string Figure)> Targets()
    {
        var r = Ratios();
        var list = new List<(string, bool?, string)>();
        var worstThroughput = new[] { "breakwaterOverYarpJsonRps_c16", "breakwaterOverYarpJsonRps_c64", "breakwaterOverYarpSseRps_c16", "breakwaterOverYarpSseRps_c64" }
            .Select(k => r.GetValueOrDefault(k)).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Min();
        list.Add(("throughput >= 0.8 x bare YARP (worst of JSON/SSE, c=16/64)", double.IsNaN(worstThroughput) ? null : worstThroughput >= 0.8, F(worstThroughput, "0.00") + " x"));
        var p50 = r.GetValueOrDefault("breakwaterAddedJsonP50Ms");
        list.Add(("added p50 <= 0.2 ms at c=1 (JSON)", p50 is null ? null : p50 <= 0.2, F(p50, "0.000") + " ms"));
        var p99 = new[] { r.GetValueOrDefault("breakwaterAddedJsonP99Ms"), r.GetValueOrDefault("breakwaterAddedSseP99Ms") }.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Max();
        list.Add(("added p99 <= 1 ms at c=1 (worst of JSON/SSE)", double.IsNaN(p99) ? null : p99 <= 1.0, F(p99, "0.000") + " ms"));
        var open = streams.GetValueOrDefault("breakwater");
        list.Add(($"RSS <= 150 MB with {options.Streams} open streams (defaults)", open is null ? null : open.RssBytes <= 150L * 1024 * 1024 && open.OpenAtUpstream >= options.Streams,
            open is null ? "-" : $"{OverheadRunner.Mb(open.RssBytes)} MB with {open.OpenAtUpstream} open upstream, {open.Receiving} receiving"));
        return list;
    }

    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Gateway overhead, {started:yyyy-MM-dd HH:mm zzz}, {cores} cores, {options.Duration.TotalSeconds:0} s per point, wrk 1 thread");
        sb.AppendLine("| path | JSON rps c=16 | JSON rps c=64 | JSON p50 c=1 | JSON p99 c=1 | SSE rps c=16 | SSE rps c=64 | SSE p50 c=1 | SSE p99 c=1 | TTFB median | RSS after load |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in paths)
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Path} | {Rps(p.JsonAt(16))} | {Rps(p.JsonAt(64))} | {Ms(p.JsonAt(1)?.P50Ms)} | {Ms(p.JsonAt(1)?.P99Ms)} | {Rps(p.SseAt(16))} | {Rps(p.SseAt(64))} | {Ms(p.SseAt(1)?.P50Ms)} | {Ms(p.SseAt(1)?.P99Ms)} | {Ms(p.Ttfb?.MedianMs)} | {(p.RssAfterLoadBytes is { } b ? OverheadRunner.Mb(b) + " MB" : "—")} |");
        }

        sb.AppendLine();
        sb.AppendLine("Proxy process cost per request (CPU = utime + stime from /proc over the point; allocations and GCs from the .NET child):");
        sb.AppendLine("| path | mode | c | CPU us/req | alloc B/req | gen0 / gen1 / gen2 GCs | GC pause ms |");
        sb.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var p in paths)
        {
            foreach (var (mode, points) in new[] { ("JSON", p.Json), ("SSE", p.Sse) })
            {
                foreach (var w in points.Where(w => w.Cost is not null))
                {
                    var c = w.Cost!;
                    sb.AppendLine(CultureInfo.InvariantCulture,
                        $"| {p.Path} | {mode} | {w.Connections} | {F(w.CpuUsPerRequest, "0.0")} | {F(w.AllocBytesPerRequest, "N0")} | {(c.Gen0 is null ? "—" : $"{c.Gen0} / {c.Gen1} / {c.Gen2}")} | {F(c.GcPauseMs, "0.0")} |");
                }
            }
        }

        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {options.Streams} open streams | receiving | open upstream | failed | RSS idle | RSS open |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var (name, s) in streams)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {s.Receiving} | {s.OpenAtUpstream} | {s.Failed} | {OverheadRunner.Mb(s.IdleRssBytes)} MB | {OverheadRunner.Mb(s.RssBytes)} MB |");
        }

        sb.AppendLine();
        sb.AppendLine("Ratios (same run):");
        foreach (var (k, v) in Ratios())
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {k} = {F(v, "0.000")}");
        }

        sb.AppendLine();
        sb.AppendLine("Targets:");
        foreach (var (target, met, figure) in Targets())
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  [{(met is null ? "n/a" : met.Value ? "met" : "MISSED")}] {target}: {figure}");
        }

        foreach (var p in paths)
        {
            foreach (var n in p.Notes)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  note: {p.Path} {n}");
            }

            foreach (var w in p.Json.Concat(p.Sse).Where(w => w.Non2xx + w.SocketErrors > 0))
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"  note: {p.Path} c={w.Connections}: {w.Non2xx} non-2xx, {w.SocketErrors} socket errors of {w.Requests}");
            }
        }

        foreach (var n in notes)
        {
            sb.AppendLine("  note: " + n);
        }

        return sb.ToString();
    }

    public string ToJson()
    {
        object Point(WrkResult w) => new
        {
            connections = w.Connections, rps = Round(w.RequestsPerSecond), p50Ms = Round(w.P50Ms), p99Ms = Round(w.P99Ms), requests = w.Requests, non2xx = w.Non2xx, socketErrors = w.SocketErrors,
            proxyCpuUsPerRequest = w.CpuUsPerRequest is { } cpu ? Round(cpu) : null,
            proxyAllocBytesPerRequest = w.AllocBytesPerRequest is { } alloc ? Round(alloc) : null,
            proxyGen0 = w.Cost?.Gen0, proxyGen1 = w.Cost?.Gen1, proxyGen2 = w.Cost?.Gen2,
            proxyGcPauseMs = w.Cost?.GcPauseMs is { } pause ? Round(pause) : null,
        };
        var doc = new
        {
            date = started.ToString("O", CultureInfo.InvariantCulture),
            cores,
            secondsPerPoint = options.Duration.TotalSeconds,
            paths = paths.Select(p => new
            {
                path = p.Path,
                json = p.Json.Select(Point),
                sse = p.Sse.Select(Point),
                ttfb = p.Ttfb is null ? null : new { medianMs = Round(p.Ttfb.MedianMs), p99Ms = Round(p.Ttfb.P99Ms), samples = p.Ttfb.Samples, failures = p.Ttfb.Failures },
                rssAfterLoadMb = p.RssAfterLoadBytes is { } b ? Round(b / 1048576.0) : null,
                notes = p.Notes,
            }),
            openStreams = streams.Select(s => new
            {
                path = s.Key,
                requested = s.Value.Requested,
                receiving = s.Value.Receiving,
                openAtUpstream = s.Value.OpenAtUpstream,
                failed = s.Value.Failed,
                idleRssMb = Round(s.Value.IdleRssBytes / 1048576.0),
                rssMb = Round(s.Value.RssBytes / 1048576.0),
            }),
            ratios = Ratios().ToDictionary(kv => kv.Key, kv => kv.Value is { } v ? Round(v) : null),
            targets = Targets().Select(t => new { target = t.Target, met = t.Met, figure = t.Figure }),
            notes,
        };
        return JsonSerializer.Serialize(doc, JsonOptions);
    }

    private static double? Round(double v) => double.IsNaN(v) || double.IsInfinity(v) ? null : Math.Round(v, 3);

    private static double? Div(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;

    private static double? Sub(double? a, double? b) => a is { } x && b is { } y && !double.IsNaN(x) && !double.IsNaN(y) ? x - y : null;

    private static string Rps(WrkResult? w) => w is null ? "—" : w.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(double? v) => v is { } x && !double.IsNaN(x) ? x.ToString("0.000", CultureInfo.InvariantCulture) + " ms" : "—";

    private static string F(double? v, string format) => v is { } x && !double.IsNaN(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "—";
}
