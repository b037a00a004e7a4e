using System.Globalization;
using System.Net.Http.Headers;

namespace Breakwater.Anthropic;

/// <summary>What the response said about retrying: <c>retry-after</c>, <c>retry-after-ms</c>, <c>x-should-retry</c>.</summary>
internal sealed record RetryHints
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
        // retry-after-ms is the more precise of the two (the official SDKs read it first); an unreadable one
        // falls back to retry-after rather than discarding the server's hint.
        if (TryGet(headers, AnthropicHeaders.RetryAfterMs, out var ms) &&
            double.TryParse(ms.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var msValue) &&
            double.IsFinite(msValue))
        {
            after = TimeSpan.FromMilliseconds(Math.Min(msValue, MaxHint.TotalMilliseconds));
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

    /// <summary>The longest wait any hint is read as (1 day): a larger value is a bug upstream, not a plan.</summary>
    internal static readonly TimeSpan MaxHint = TimeSpan.FromDays(1);

    // RFC 9110 section 10.2.3 / 5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms recipients must accept.
    // Lenient DateTimeOffset.TryParse is not used: it reads "10:30" as today (by the wall clock) and guesses at garbage.
    private static readonly string[] HttpDateFormats =
    [
        "ddd, dd MMM yyyy HH:mm:ss 'GMT'",
        "dddd, dd-MMM-yy HH:mm:ss 'GMT'",
        "ddd MMM d HH:mm:ss yyyy",
        "ddd MMM dd HH:mm:ss yyyy",
    ];

    /// <summary>
    /// Parses a <c>retry-after</c> value: delta seconds (integer or decimal) or an HTTP date relative to
    /// <paramref name="now"/>. Past dates read as zero; negative, non-finite or unreadable values as <c>null</c>;
    /// anything above 1 day as 1 day.
    /// </summary>
    internal static TimeSpan? ParseRetryAfter(string value, DateTimeOffset now)
    {
        value = value.Trim();
        if (value.Length == 0)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return double.IsFinite(seconds) ? TimeSpan.FromSeconds(Math.Min(seconds, MaxHint.TotalSeconds)) : null;
        }

        if (DateTimeOffset.TryParseExact(value, HttpDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowInnerWhite, out var date))
        {
            var delta = date - now;
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta > MaxHint ? MaxHint : delta;
        }

        return null;
    }

    internal static bool TryGet(HttpResponseHeaders headers, string name, out string value)
    {
        if (headers.NonValidated.TryGetValues(name, out var values))
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
