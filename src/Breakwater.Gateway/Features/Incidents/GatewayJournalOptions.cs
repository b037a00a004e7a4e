using System.ComponentModel.DataAnnotations;
using Breakwater.Telemetry.Journal;

namespace Breakwater.Gateway.Features.Incidents;

/// <summary>
/// The gateway's incident journal (section <c>Breakwater:Journal</c>): every failed upstream attempt, with its
/// request_id, in an embedded SQLite file, written off the request path. On by default in the gateway.
/// </summary>
public sealed class GatewayJournalOptions
{
    /// <summary>Whether failed attempts are journaled. Default <c>true</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The SQLite file (a leading <c>~/</c> is the home directory; the folder is created). Default <c>BREAKWATER_JOURNAL</c>
    /// when set, else <c>~/.breakwater/journal.db</c>: the file <c>breakwater incidents</c> reads.
    /// </summary>
    [Required]
    public string Path { get; set; } = JournalOptions.DefaultPath();

    /// <summary>Records older than this are pruned. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>At most this many records are kept (the oldest go first). Default 100,000.</summary>
    [Range(10, 100_000_000)]
    public int MaxRows { get; set; } = 100_000;

    internal JournalOptions ToJournalOptions() => new() { Path = Path, MaxAge = MaxAge, MaxRows = MaxRows };
}
