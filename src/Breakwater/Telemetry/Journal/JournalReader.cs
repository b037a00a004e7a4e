using Breakwater.Status;
using Microsoft.Data.Sqlite;

namespace Breakwater.Telemetry.Journal;

/// <summary>
/// Reads an incident journal file, also while a writer is appending to it (WAL). A missing file reads as empty.
/// </summary>
public sealed class JournalReader
{
    /// <summary>The default gap that starts a new episode: 5 minutes without a failure.</summary>
    public static readonly TimeSpan DefaultEpisodeGap = TimeSpan.FromMinutes(5);

    /// <summary>How long after an episode's last failure an incident may start and still be matched to it: 30 minutes.</summary>
    public static readonly TimeSpan DefaultIncidentGrace = TimeSpan.FromMinutes(30);

    private readonly string _path;

    /// <summary>Creates a reader of the file at <paramref name="path"/> (a leading <c>~/</c> is expanded).</summary>
    /// <param name="path">The journal file; default <see cref="JournalOptions.DefaultPath"/>.</param>
    public JournalReader(string? path = null)
    {
        _path = JournalOptions.Expand(path ?? JournalOptions.DefaultPath());
    }

    /// <summary>The file read.</summary>
    public string Path => _path;

    /// <summary>Failed attempts recorded at or after <paramref name="since"/>, oldest first.</summary>
    /// <param name="since">The earliest time wanted.</param>
    /// <param name="limit">At most this many records; default 1,000,000.</param>
    /// <exception cref="SqliteException">The file exists but is not a readable journal.</exception>
    public IReadOnlyList<AttemptRecord> ReadSince(DateTimeOffset since, int limit = 1_000_000)
    {
        using var connection = JournalSchema.OpenForReading(_path);
        if (connection is null || !HasTable(connection))
        {
            return [];
        }

        using var command = connection.CreateCommand();
        command.CommandText = JournalSchema.SelectSince;
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var list = new List<AttemptRecord>();
        while (reader.Read())
        {
            list.Add(JournalRecordCodec.Read(reader));
        }

        return list;
    }

    /// <summary>The failures since <paramref name="since"/> grouped into episodes, each matched to an overlapping incident.</summary>
    /// <param name="since">The earliest time wanted.</param>
    /// <param name="incidents">Status-page incidents to match (for example from <see cref="StatusPageClient.GetIncidentsAsync"/>); <c>null</c> for none.</param>
    /// <param name="gap">A quiet gap longer than this starts a new episode; default <see cref="DefaultEpisodeGap"/>.</param>
    public IReadOnlyList<JournalEpisode> EpisodesSince(DateTimeOffset since, IReadOnlyList<StatusIncident>? incidents = null, TimeSpan? gap = null) =>
        GroupEpisodes(ReadSince(since), incidents, gap);

    /// <summary>Groups records into episodes (a quiet gap longer than <paramref name="gap"/> starts a new one).</summary>
    /// <param name="records">Failed attempts, in any order.</param>
    /// <param name="incidents">Status-page incidents to match; <c>null</c> for none.</param>
    /// <param name="gap">Default <see cref="DefaultEpisodeGap"/>.</param>
    public static IReadOnlyList<JournalEpisode> GroupEpisodes(IEnumerable<AttemptRecord> records, IReadOnlyList<StatusIncident>? incidents = null, TimeSpan? gap = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        return EpisodeBuilder.Build(records, gap ?? DefaultEpisodeGap, incidents, DefaultIncidentGrace);
    }

    private static bool HasTable(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'attempts';";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
