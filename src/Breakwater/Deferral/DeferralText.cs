using System.Globalization;
using System.Text;

namespace Breakwater.Deferral;

/// <summary>Durations as <c>breakwater-defer</c> writes them (<c>90s</c>, <c>5m</c>, <c>2h</c>, <c>1h30m</c>), for messages a caller reads.</summary>
internal static class DeferralText
{
    /// <summary>The duration rounded to whole seconds, in the largest units that keep it exact: <c>2m</c>, <c>90s</c> becomes <c>1m30s</c>.</summary>
    public static string Duration(TimeSpan value)
    {
        var seconds = (long)Math.Round(Math.Max(0, value.TotalSeconds), MidpointRounding.AwayFromZero);
        if (seconds == 0)
        {
            return "0s";
        }

        var parts = new StringBuilder();
        Append(parts, seconds / 86400, 'd');
        Append(parts, seconds % 86400 / 3600, 'h');
        Append(parts, seconds % 3600 / 60, 'm');
        Append(parts, seconds % 60, 's');
        return parts.ToString();
    }

    /// <summary>The duration in whole seconds (<c>35s</c>), the unit every <c>breakwater-defer</c> value can be written in.</summary>
    public static string Seconds(TimeSpan value) =>
        ((long)Math.Ceiling(Math.Max(0, value.TotalSeconds))).ToString(CultureInfo.InvariantCulture) + "s";

    private static void Append(StringBuilder parts, long amount, char unit)
    {
        if (amount > 0)
        {
            parts.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
