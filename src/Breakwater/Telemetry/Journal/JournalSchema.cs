using Microsoft.Data.Sqlite;

namespace Breakwater.Telemetry.Journal;

/// <summary>The journal's one table and how to open it.</summary>
internal static class JournalSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts INTEGER NOT NULL,
            client TEXT NOT NULL,
            model TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            status INTEGER NULL,
            kind TEXT NOT NULL,
            error_type TEXT NULL,
            request_id TEXT NULL,
            rate_limits TEXT NULL,
            decision TEXT NOT NULL,
            give_up TEXT NULL,
            delay_ms INTEGER NULL,
            fallback_model TEXT NULL,
            message TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_attempts_ts ON attempts(ts);
        """;

    public const string Insert = """
        INSERT INTO attempts (ts, client, model, attempt, status, kind, error_type, request_id, rate_limits, decision, give_up, delay_ms, fallback_model, message)
        VALUES ($ts, $client, $model, $attempt, $status, $kind, $error_type, $request_id, $rate_limits, $decision, $give_up, $delay_ms, $fallback_model, $message);
        """;

    public const string SelectSince = """
        SELECT ts, client, model, attempt, status, kind, error_type, request_id, rate_limits, decision, give_up, delay_ms, fallback_model, message
        FROM attempts WHERE ts >= $since ORDER BY ts, id LIMIT $limit;
        """;

    public const string PruneByAge = "DELETE FROM attempts WHERE ts < $cutoff;";

    public const string PruneByRows = "DELETE FROM attempts WHERE id <= (SELECT id FROM attempts ORDER BY id DESC LIMIT 1 OFFSET $max);";

    // auto_vacuum only takes effect on a new file; it lets pruning give space back to the disk.
    // NORMAL under WAL: a power cut can lose the last transactions but never corrupts the file.
    public static SqliteConnection OpenForWriting(string path) =>
        Storage.SqliteFiles.OpenCreating(path, "PRAGMA auto_vacuum = INCREMENTAL;", "PRAGMA journal_mode = WAL;", "PRAGMA synchronous = NORMAL;", "PRAGMA busy_timeout = 5000;", Create);

    public static SqliteConnection? OpenForReading(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            return null;
        }

        // ReadWrite, not ReadOnly: a reader must be able to recover a WAL left behind by a killed writer.
        var connection = Storage.SqliteFiles.Open(full, SqliteOpenMode.ReadWrite);
        Execute(connection, "PRAGMA busy_timeout = 5000;");
        return connection;
    }

    public static int Execute(SqliteConnection connection, string sql) => Storage.SqliteFiles.Execute(connection, sql);
}
