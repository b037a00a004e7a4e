using System.Globalization;
using System.Net.Http.Headers;

namespace Breakwater.Anthropic;

/// <summary>
/// Every <c>anthropic-ratelimit-*</c> and <c>anthropic-priority-*</c> header of one response, in one value.
/// Large remaining values during 529s prove the problem is platform capacity, not quota.
/// </summary>
public sealed record RateLimitSnapshot
{
    /// <summary>Fraction of a limit at or under which remaining counts as quota pressure. Default 0.05.</summary>
    public const double PressureFraction = 0.05;

    /// <summary>Requests per minute.</summary>
    public RateLimitWindow? Requests { get; init; }
    /// <summary>Tokens (the most restrictive of input and output).</summary>
    public RateLimitWindow? Tokens { get; init; }
    /// <summary>Input tokens per minute.</summary>
    public RateLimitWindow? InputTokens { get; init; }
    /// <summary>Output tokens per minute.</summary>
    public RateLimitWindow? OutputTokens { get; init; }
    /// <summary>Priority Tier input tokens, when the organisation has Priority Tier.</summary>
    public RateLimitWindow? PriorityInputTokens { get; init; }
    /// <summary>Priority Tier output tokens.</summary>
    public RateLimitWindow? PriorityOutputTokens { get; init; }

    /// <summary>All the windows present, by header name part (for example <c>requests</c>, <c>input-tokens</c>, <c>priority-input-tokens</c>).</summary>
    public IReadOnlyDictionary<string, RateLimitWindow> Windows { get; init; } = new Dictionary<string, RateLimitWindow>();

    /// <summary>The reading of these numbers.</summary>
    public RateLimitReading Reading
    {
        get
        {
            if (Windows.Count == 0)
            {
                return RateLimitReading.Unknown;
            }

            var known = false;
            foreach (var w in Windows.Values)
            {
                if (w.RemainingFraction is { } f)
                {
                    known = true;
                    if (f <= PressureFraction)
                    {
                        return RateLimitReading.QuotaPressure;
                    }
                }
            }

            return known ? RateLimitReading.AmpleQuota : RateLimitReading.Unknown;
        }
    }

    /// <summary>The smallest remaining fraction across windows, or <c>null</c>.</summary>
    public double? LowestRemainingFraction
    {
        get
        {
            double? min = null;
            foreach (var w in Windows.Values)
            {
                if (w.RemainingFraction is { } f && (min is null || f < min))
                {
                    min = f;
                }
            }

            return min;
        }
    }

    /// <summary>Reads the snapshot from response headers; <c>null</c> when none of the headers are present.</summary>
    public static RateLimitSnapshot? From(HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Dictionary<string, (string? limit, string? remaining, string? reset)>? parts = null;
        // NonValidated: no parsing or allocation of the other headers on every response (this runs per call).
        foreach (var header in headers.NonValidated)
        {
            var name = header.Key;
            string rest;
            if (name.StartsWith(AnthropicHeaders.RateLimitPrefix, StringComparison.OrdinalIgnoreCase))
            {
                rest = name[AnthropicHeaders.RateLimitPrefix.Length..].ToLowerInvariant();
            }
            else if (name.StartsWith(AnthropicHeaders.PriorityPrefix, StringComparison.OrdinalIgnoreCase))
            {
                rest = "priority-" + name[AnthropicHeaders.PriorityPrefix.Length..].ToLowerInvariant();
            }
            else
            {
                continue;
            }

            var dash = rest.LastIndexOf('-');
            if (dash <= 0)
            {
                continue;
            }

            var window = rest[..dash];
            var field = rest[(dash + 1)..];
            if (field is not ("limit" or "remaining" or "reset"))
            {
                // Other anthropic-ratelimit-* headers (e.g. subscription "unified" status) are not limit triples;
                // an empty window made from them would only blur the reading.
                continue;
            }

            string? value = null;
            foreach (var v in header.Value)
            {
                value = v.Trim();
                break;
            }

            parts ??= new Dictionary<string, (string?, string?, string?)>(StringComparer.Ordinal);
            parts.TryGetValue(window, out var p);
            p = field switch
            {
                "limit" => (value, p.remaining, p.reset),
                "remaining" => (p.limit, value, p.reset),
                _ => (p.limit, p.remaining, value),
            };
            parts[window] = p;
        }

        if (parts is null)
        {
            return null;
        }

        var windows = new Dictionary<string, RateLimitWindow>(StringComparer.Ordinal);
        foreach (var (key, p) in parts)
        {
            windows[key] = new RateLimitWindow(ParseLong(p.limit), ParseLong(p.remaining), ParseDate(p.reset));
        }

        return new RateLimitSnapshot
        {
            Requests = windows.GetValueOrDefault("requests"),
            Tokens = windows.GetValueOrDefault("tokens"),
            InputTokens = windows.GetValueOrDefault("input-tokens"),
            OutputTokens = windows.GetValueOrDefault("output-tokens"),
            PriorityInputTokens = windows.GetValueOrDefault("priority-input-tokens"),
            PriorityOutputTokens = windows.GetValueOrDefault("priority-output-tokens"),
            Windows = windows,
        };
    }

    /// <summary>A compact one-line form for logs and the journal, e.g. <c>requests 3987/4000, input-tokens 398420/400000</c>.</summary>
    public override string ToString() =>
        string.Join(", ", Windows.OrderBy(w => w.Key, StringComparer.Ordinal)
            .Select(w => $"{w.Key} {w.Value.Remaining?.ToString(CultureInfo.InvariantCulture) ?? "?"}/{w.Value.Limit?.ToString(CultureInfo.InvariantCulture) ?? "?"}"));

    private static long? ParseLong(string? s) =>
        long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    // Reset is RFC 3339 (e.g. 2025-11-03T12:34:56Z); only ISO-8601-looking values are accepted, so the lenient parser
    // never reads a bare time as "today" by the wall clock.
    private static DateTimeOffset? ParseDate(string? s) =>
        s is { Length: >= 10 } && char.IsAsciiDigit(s[0]) && s[4] == '-' &&
        DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;
}
