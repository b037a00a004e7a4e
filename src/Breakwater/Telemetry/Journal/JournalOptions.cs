using System.ComponentModel.DataAnnotations;

namespace Breakwater.Telemetry.Journal;

/// <summary>Where the incident journal lives and how much it keeps.</summary>
public sealed class JournalOptions
{
    /// <summary>The environment variable that overrides the default path: <c>BREAKWATER_JOURNAL</c>.</summary>
    public const string PathEnvironmentVariable = "BREAKWATER_JOURNAL";

    /// <summary>
    /// The SQLite file. Default: <c>BREAKWATER_JOURNAL</c> when set, else <c>~/.breakwater/journal.db</c>.
    /// A leading <c>~/</c> is expanded to the user's home directory; the directory is created when missing.
    /// </summary>
    [Required]
    public string Path { get; set; } = DefaultPath();

    /// <summary>Records older than this are pruned. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>At most this many records are kept (the oldest go first). Default 100,000.</summary>
    [Range(10, 100_000_000)]
    public int MaxRows { get; set; } = 100_000;

    /// <summary>Records waiting for the background writer; beyond this <c>Record</c> drops and counts. Default 10,000.</summary>
    [Range(16, 10_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>How often retention is applied while records arrive. Default 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks every setting and returns every problem (empty when valid), as <c>Journal:Member: message</c>.</summary>
    /// <returns>The problems.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        OptionsProblems.AddAnnotations(this, "Journal", problems);
        return problems;
    }

    /// <summary>The default path: <c>BREAKWATER_JOURNAL</c> when set, else <c>~/.breakwater/journal.db</c>.</summary>
    public static string DefaultPath()
    {
        var fromEnv = Environment.GetEnvironmentVariable(PathEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return fromEnv;
        }

        return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".breakwater", "journal.db");
    }

    internal static string Expand(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return path.Length <= 2 ? home : System.IO.Path.Combine(home, path[2..]);
        }

        return path;
    }
}
