namespace Breakwater.Gateway.Hosting;

/// <summary>
/// The known name closest to a mistyped one (an option, a command, a configuration key), by edit distance with
/// adjacent transpositions counted as one edit, so <c>--prot</c> suggests <c>--port</c>.
/// </summary>
internal static class ClosestName
{
    /// <summary>The closest of <paramref name="known"/> to <paramref name="typed"/>, or null when none is close enough to be a likely typo.</summary>
    public static string? Find(string typed, IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(known);
        // A prefix of at least three characters that fits one name only (--sce for --scenario) is that name.
        var trimmed = typed.TrimStart('-');
        var prefixed = trimmed.Length >= 3
            ? known.Where(k => k.TrimStart('-').StartsWith(trimmed, StringComparison.OrdinalIgnoreCase)).Take(2).ToList()
            : [];
        if (prefixed.Count == 1)
        {
            return prefixed[0];
        }

        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        if (best is null)
        {
            return null;
        }

        // A typo is a small share of the word: one edit in a short name, up to a third of a long one.
        var allowed = Math.Max(1, Math.Min(typed.Length, best.Length) / 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var w = b.Length + 1;
        var d = new int[(a.Length + 1) * w];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i * w] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[(i * w) + j] = Math.Min(Math.Min(d[((i - 1) * w) + j] + 1, d[(i * w) + j - 1] + 1), d[((i - 1) * w) + j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[(i * w) + j] = Math.Min(d[(i * w) + j], d[((i - 2) * w) + j - 2] + 1);
                }
            }
        }

        return d[(a.Length * w) + b.Length];
    }
}
