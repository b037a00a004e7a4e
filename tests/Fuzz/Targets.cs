using System.Text;
using Breakwater.Anthropic;
using Breakwater.Gateway.Features.Jobs;
using Breakwater.Pipeline;
using Breakwater.Status;

namespace Breakwater.Fuzz;

/// <summary>
/// The targets. None of the code under test documents an exception for bad input (every one of these parsers reads
/// what an upstream or a client sent, and "bad input never crashes anything"), so any exception is a finding, and so is
/// a broken invariant (<see cref="FuzzFindingException"/>).
/// </summary>
internal static class Targets
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("sse-reader", "SseReader: same events whole and split anywhere, names-only reader agrees, Reset starts over", SseReaderTarget, Seeds.Sse),
        new("sse-scan", "SseScan: LastEventBoundary ends on a blank line; HasEvent agrees with a line-by-line reading", SseScanTarget, Seeds.Sse),
        new("error-body", "ErrorBodyParser (bytes and text) and BodyPrefix: excerpt bounded and printable, prefix exact", ErrorBodyTarget, Seeds.ErrorBodies),
        new("retry-hints", "RetryHints: retry-after, retry-after-ms, x-should-retry; waits within 0..1 day", RetryHintsTarget, Seeds.RetryHeaders),
        new("rate-limit", "RateLimitSnapshot.From and its reading over anthropic-ratelimit-* / anthropic-priority-* headers", RateLimitTarget, Seeds.RateLimitHeaders),
        new("request-body", "RequestBody.Parse and ParseObject (the body's model and stream); WithModel splices only the model", RequestBodyTarget, Seeds.RequestBodies),
        new("status-page", "StatusPageParser (summary and incidents of the status page): never throws, unknown when malformed", StatusPageTarget, Seeds.StatusPages),
        new("defer-duration", "DeferDuration (breakwater-defer): null or a positive duration under 10 years", DeferDurationTarget, Seeds.Durations),
    ];

    public static void SseReaderTarget(ReadOnlySpan<byte> data)
    {
        var whole = new List<SseEvent>();
        var reader = new SseReader();
        reader.Feed(data, whole);
        Check(reader.BytesRead == data.Length, "BytesRead differs from the bytes fed");

        // Split where the data itself says (deterministic for one input): any split must give the same events.
        var split = new List<SseEvent>();
        var names = new List<SseEvent>();
        var splitReader = new SseReader();
        var namesReader = new SseReader(namesOnly: true);
        var at = 0;
        var step = data.IsEmpty ? 1 : 1 + (data[0] % 7);
        while (at < data.Length)
        {
            var n = Math.Min(step, data.Length - at);
            splitReader.Feed(data.Slice(at, n), split);
            namesReader.Feed(data.Slice(at, n), names);
            at += n;
            step = 1 + (data[at - 1] % 13);
        }

        Check(whole.Count == split.Count, $"{whole.Count} events whole, {split.Count} split");
        Check(whole.Count == names.Count, $"{whole.Count} events, {names.Count} names-only");
        for (var i = 0; i < whole.Count; i++)
        {
            Check(whole[i] == split[i], $"event {i} differs when split");
            Check(whole[i].Event == names[i].Event && names[i].Data.Length == 0 && whole[i].Id == names[i].Id, $"names-only event {i} differs");
        }

        reader.Reset();
        var again = new List<SseEvent>();
        reader.Feed(data, again);
        Check(again.SequenceEqual(whole), "Reset did not start over");
    }

    public static void SseScanTarget(ReadOnlySpan<byte> data)
    {
        var boundary = SseScan.LastEventBoundary(data);
        Check(boundary == -1 || (boundary >= 2 && boundary <= data.Length), $"boundary {boundary} outside the data");
        if (boundary > 0)
        {
            var head = data[..boundary];
            Check(head.EndsWith("\n\n"u8) || head.EndsWith("\r\n\r\n"u8) || head.EndsWith("\r\r"u8), "boundary not after a blank line");
        }

        var block = boundary > 0 ? data[..boundary] : data;
        foreach (var name in new[] { "message_stop"u8.ToArray(), "error"u8.ToArray(), NameFrom(data) })
        {
            Check(SseScan.HasEvent(block, name) == HasEventByLines(block, name), $"HasEvent(\"{Encoding.UTF8.GetString(name)}\") disagrees with a line-by-line reading");
        }
    }

    public static void ErrorBodyTarget(ReadOnlySpan<byte> data)
    {
        CheckError(ErrorBodyParser.Parse(data));
        CheckError(ErrorBodyParser.Parse(data, truncated: true));
        CheckError(ErrorBodyParser.Parse(Encoding.UTF8.GetString(data)));
        CheckError(ErrorBodyParser.Parse(Encoding.Latin1.GetString(data)));

        // BodyPrefix over a stream that hands the bytes out a few at a time, with a bound taken from the data.
        var max = data.IsEmpty ? 1 : 1 + (data[^1] * 37 % Math.Max(1, data.Length + 8));
        var bytes = data.ToArray();
        using var stream = new TrickleStream(bytes);
        var prefix = BodyPrefix.ReadAsync(stream, max, data.Length % 3 == 0 ? data.Length : null, CancellationToken.None).GetAwaiter().GetResult();
        Check(prefix.Length <= max + 1 && prefix.Length <= bytes.Length, $"prefix of {prefix.Length} bytes for a bound of {max}");
        Check(prefix.Head(max).SequenceEqual(bytes.AsSpan(0, Math.Min(max, bytes.Length))), "prefix differs from the body");
        Check(prefix.Truncated(max) == (bytes.Length > max), $"truncated {prefix.Truncated(max)} for {bytes.Length} bytes and a bound of {max}");
        CheckError(ErrorBodyParser.Parse(prefix.Head(max), prefix.Truncated(max)));
    }

    public static void RetryHintsTarget(ReadOnlySpan<byte> data)
    {
        using var response = new HttpResponseMessage();
        foreach (var (name, value) in Headers(data))
        {
            response.Headers.TryAddWithoutValidation(name, value);
            CheckWait(RetryHints.ParseRetryAfter(value, Now), "ParseRetryAfter");
        }

        var hints = RetryHints.From(response.Headers, Now);
        CheckWait(hints.RetryAfter, "RetryHints.From");
    }

    public static void RateLimitTarget(ReadOnlySpan<byte> data)
    {
        using var response = new HttpResponseMessage();
        var count = 0;
        foreach (var (name, value) in Headers(data))
        {
            if (response.Headers.TryAddWithoutValidation(name, value))
            {
                count++;
            }
        }

        if (RateLimitSnapshot.From(response.Headers) is not { } snapshot)
        {
            return;
        }

        Check(snapshot.Windows.Count <= count, $"{snapshot.Windows.Count} windows from {count} headers");
        _ = snapshot.Reading;
        _ = snapshot.ToString();
        if (snapshot.LowestRemainingFraction is { } f)
        {
            Check(!double.IsNaN(f), "NaN remaining fraction");
        }
    }

    public static void RequestBodyTarget(ReadOnlySpan<byte> data)
    {
        var bytes = data.ToArray();
        var body = RequestBody.Parse(bytes);
        var strict = RequestBody.ParseObject(bytes, out var problem);
        Check((strict is null) == (problem is not null), "ParseObject: a body and a problem, or neither");
        if (strict is not null)
        {
            Check(strict.Model == body.Model, "ParseObject and Parse read different models");
        }

        if (body.Model is not null)
        {
            var moved = body.WithModel("claude-fuzz-\u00e9\"x");
            var again = RequestBody.Parse(moved.Bytes);
            Check(again.Model == "claude-fuzz-\u00e9\"x", "WithModel: the new body does not read back the new model");
            Check(again.IsStream == body.IsStream, "WithModel changed stream");
        }
    }

    public static void StatusPageTarget(ReadOnlySpan<byte> data)
    {
        var bytes = data.ToArray();
        var summary = StatusPageParser.ParseSummary(bytes, "Claude API", Now);
        Check(summary.FetchedAt == Now, "summary without its time");
        var incidents = StatusPageParser.ParseIncidents(bytes, Now);
        Check(incidents.IsKnown || incidents.Incidents.Count == 0, "unknown incident list with incidents");
    }

    public static void DeferDurationTarget(ReadOnlySpan<byte> data)
    {
        foreach (var text in new[] { Encoding.UTF8.GetString(data), Encoding.Latin1.GetString(data) })
        {
            if (DeferDuration.Parse(text) is { } d)
            {
                Check(d > TimeSpan.Zero && d < TimeSpan.FromDays(3650), $"duration {d} from '{text}'");
            }
        }
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzFindingException(what);
        }
    }

    private static void CheckWait(TimeSpan? wait, string where) =>
        Check(wait is null || (wait >= TimeSpan.Zero && wait <= RetryHints.MaxHint), $"{where}: wait {wait}");

    private static void CheckError(AnthropicError error)
    {
        var excerpt = error.RawExcerpt ?? "";
        Check(excerpt.Length <= ErrorBodyParser.ExcerptLength, $"excerpt of {excerpt.Length} chars");
        for (var i = 0; i < excerpt.Length; i++)
        {
            var c = excerpt[i];
            Check(!char.IsControl(c), "control character in the excerpt");
            if (char.IsHighSurrogate(c))
            {
                Check(i + 1 < excerpt.Length && char.IsLowSurrogate(excerpt[i + 1]), "lone surrogate in the excerpt");
                i++;
            }
            else
            {
                Check(!char.IsLowSurrogate(c), "lone surrogate in the excerpt");
            }
        }
    }

    /// <summary>"name: value" lines (LF-separated, Latin-1 so every byte is one char), as a client or upstream might send them.</summary>
    private static List<(string Name, string Value)> Headers(ReadOnlySpan<byte> data)
    {
        var list = new List<(string, string)>();
        foreach (var line in Encoding.Latin1.GetString(data).Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                list.Add((line[..colon].Trim(), line[(colon + 1)..].TrimStart()));
            }
        }

        return list;
    }

    /// <summary>A name to look for, taken from the data (the first <c>event:</c> value, or a fixed one).</summary>
    private static byte[] NameFrom(ReadOnlySpan<byte> data)
    {
        var i = data.IndexOf("event:"u8);
        if (i < 0)
        {
            return "content_block_delta"u8.ToArray();
        }

        var value = data[(i + 6)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        var end = value.IndexOfAny((byte)'\r', (byte)'\n');
        return (end < 0 ? value : value[..end]).ToArray();
    }

    /// <summary>The reference: some line of the block is <c>event:NAME</c> or <c>event: NAME</c> (lines end in CR LF, LF or CR).</summary>
    private static bool HasEventByLines(ReadOnlySpan<byte> block, ReadOnlySpan<byte> name)
    {
        while (true)
        {
            var end = block.IndexOfAny((byte)'\r', (byte)'\n');
            var line = end < 0 ? block : block[..end];
            if (line.StartsWith("event:"u8))
            {
                var value = line[6..];
                if (!value.IsEmpty && value[0] == (byte)' ')
                {
                    value = value[1..];
                }

                if (value.SequenceEqual(name))
                {
                    return true;
                }
            }

            if (end < 0)
            {
                return false;
            }

            block = block[(end + 1)..];
        }
    }
}
