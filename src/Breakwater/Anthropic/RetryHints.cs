using System.Globalization;
using System.Net.Http.Headers;

namespace Breakwater.Anthropic;

/// <summary>What the response said about retrying: <c>retry-after</c>, <c>retry-after-ms</c>, <c>x-should-retry</c>.</summary>
public sealed record RetryHints
{
    /// <summary>The wait the server asked for, from <c>retry-after-ms</c> if present, else <c>retry-after</c> (seconds or HTTP date); <c>null</c> if neither.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary><c>x-should-retry</c>: <c>true</c>/<c>false</c>, or <c>null</c> when absent or unreadable.</summary>
    public bool? ShouldRetry { get; init; }

    /// <summary>No hints.</summary>
    public static RetryHints None { get; } = new();

    internal static RetryHints From(HttpResponseHeaders headers, DateTimeOffset now)
    {
        TimeSpan? after = null;
        if (TryGet(headers, AnthropicHeaders.RetryAfterMs, out var ms) &&
            double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var msValue) &&
            msValue >= 0 && double.IsFinite(msValue))
        {
            after = TimeSpan.FromMilliseconds(Math.Min(msValue, TimeSpan.FromDays(1).TotalMilliseconds));
        }
        else if (TryGet(headers, AnthropicHeaders.RetryAfter, out var ra))
        {
            after = ParseRetryAfter(ra, now);
        }

        bool? should = null;
        if (TryGet(headers, AnthropicHeaders.ShouldRetry, out var sr))
        {
            should = sr.Trim().ToLowerInvariant() switch
            {
                "true" => true,
                "false" => false,
                _ => null,
            };
        }

        return after is null && should is null ? None : new RetryHints { RetryAfter = after, ShouldRetry = should };
    }

    /// <summary>Parses a <c>retry-after</c> value: delta seconds (integer or decimal) or an HTTP date. Past dates read as zero.</summary>
    internal static TimeSpan? ParseRetryAfter(string value, DateTimeOffset now)
    {
        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds >= 0 && double.IsFinite(seconds) ? TimeSpan.FromSeconds(Math.Min(seconds, 86_400)) : null;
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ||
            DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            var delta = date - now;
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        return null;
    }

    internal static bool TryGet(HttpResponseHeaders headers, string name, out string value)
    {
        if (headers.TryGetValues(name, out var values))
        {
            foreach (var v in values)
            {
                value = v;
                return true;
            }
        }

        value = "";
        return false;
    }
}
