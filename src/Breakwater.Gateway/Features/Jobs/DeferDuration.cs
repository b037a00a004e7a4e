using System.Globalization;

namespace Breakwater.Gateway.Features.Jobs;

/// <summary>Parses <c>breakwater-defer</c> values: a positive whole number with <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c> (<c>90s</c>, <c>30m</c>, <c>2h</c>).</summary>
internal static class DeferDuration
{
    public static TimeSpan? Parse(string? value)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text) || text.Length < 2 || text.Length > 12)
        {
            return null;
        }

        var unit = char.ToLowerInvariant(text[^1]);
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return null;
        }

        double seconds = unit switch
        {
            's' => n,
            'm' => n * 60d,
            'h' => n * 3600d,
            'd' => n * 86400d,
            _ => -1,
        };

        return seconds > 0 && seconds < 10 * 365 * 86400d ? TimeSpan.FromSeconds(seconds) : null;
    }
}
