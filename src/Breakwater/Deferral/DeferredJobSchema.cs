using Microsoft.Data.Sqlite;

namespace Breakwater.Deferral;

/// <summary>The deferral store's one table and how to open it.</summary>
internal static class DeferredJobSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            idem_key TEXT NULL,
            model TEXT NULL,
            state INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            deadline INTEGER NOT NULL,
            completed_at INTEGER NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            req_method TEXT NOT NULL,
            req_path TEXT NOT NULL,
            req_headers TEXT NOT NULL,
            req_body BLOB NOT NULL,
            credential BLOB NULL,
            resp_status INTEGER NULL,
            resp_headers TEXT NULL,
            resp_body BLOB NULL,
            last_error TEXT NULL,
            notified INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX IF NOT EXISTS ux_jobs_owner_idem ON jobs(owner, idem_key) WHERE idem_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_jobs_state_deadline ON jobs(state, deadline);
        CREATE INDEX IF NOT EXISTS ix_jobs_unnotified ON jobs(notified, state);
        CREATE INDEX IF NOT EXISTS ix_jobs_completed ON jobs(completed_at) WHERE completed_at IS NOT NULL;
        """;

    public const string Columns = "id, owner, idem_key, model, state, created_at, deadline, completed_at, attempts, req_method, req_path, req_headers, req_body, resp_status, resp_headers, resp_body, last_error";

    /// <summary>States 2, 3 and 4 are final; every update that moves a job guards on this.</summary>
    public const string NotFinal = "state IN (0, 1)";

    // FULL, not NORMAL as in the journal: a job is acknowledged with 202, so it must survive a power cut once it is.
    public static SqliteConnection Open(string path) =>
        Storage.SqliteFiles.OpenCreating(path, "PRAGMA journal_mode = WAL;", "PRAGMA synchronous = FULL;", "PRAGMA busy_timeout = 5000;", Create);

    public static int Execute(SqliteConnection connection, string sql) => Storage.SqliteFiles.Execute(connection, sql);
}
