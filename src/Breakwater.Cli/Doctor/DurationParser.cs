using System.Globalization;

namespace Breakwater.Cli.Doctor;

/// <summary>Reads durations such as <c>90s</c>, <c>30m</c>, <c>24h</c>, <c>7d</c>, <c>2w</c> or <c>1.12:00:00</c>.</summary>
internal static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        var unit = char.ToLowerInvariant(text[^1]);
        if (char.IsLetter(unit) && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 && double.IsFinite(n))
        {
            var seconds = unit switch
            {
                's' => n,
                'm' => n * 60,
                'h' => n * 3600,
                'd' => n * 86_400,
                'w' => n * 604_800,
                _ => -1,
            };
            if (seconds <= 0 || seconds > TimeSpan.FromDays(3650).TotalSeconds)
            {
                return false;
            }

            value = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero;
    }
}
