using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;

namespace Breakwater.Deferral;

/// <summary>
/// The default <see cref="IDeferredJobStore"/>: an embedded SQLite file in WAL mode with <c>synchronous = FULL</c>,
/// so a job is on disk before <see cref="EnqueueAsync"/> returns. One connection, serialised by a lock: deferral
/// traffic is small next to the model calls it stands in for, and one writer keeps idempotency checks race-free.
/// Every state change guards on the job not being final, so a final result never changes once set.
/// </summary>
public sealed class SqliteDeferredJobStore : IDeferredJobStore, IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly DeferralMetrics _metrics;
    private bool _disposed;

    /// <summary>Opens (or creates) the store at <paramref name="path"/>.</summary>
    /// <param name="path">The database file; its folder is created when missing.</param>
    /// <param name="timeProvider">The clock for creation and completion times; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="meterFactory">Where its meter comes from; default a meter of its own, disposed with the store.</param>
    public SqliteDeferredJobStore(string path, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _time = timeProvider ?? TimeProvider.System;
        _connection = DeferredJobSchema.Open(Path);
        _metrics = new DeferralMetrics(meterFactory);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public Task<DeferredEnqueueResult> EnqueueAsync(string owner, string? idempotencyKey, string? model, DeferredRequest request, DateTimeOffset deadline, ReadOnlyMemory<byte>? protectedCredential = null, string? lastError = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            using var tx = _connection.BeginTransaction();
            if (!string.IsNullOrEmpty(idempotencyKey))
            {
                var existing = SelectOne($"SELECT {DeferredJobSchema.Columns} FROM jobs WHERE owner = $owner AND idem_key = $key;", tx, ("$owner", owner), ("$key", idempotencyKey));
                if (existing is not null)
                {
                    tx.Commit();
                    return Task.FromResult(new DeferredEnqueueResult(existing, Created: false));
                }
            }

            var id = JobId.New();
            var now = _time.GetUtcNow();
            using (var cmd = _connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = """
                    INSERT INTO jobs (id, owner, idem_key, model, state, created_at, deadline, attempts, req_method, req_path, req_headers, req_body, credential, last_error)
                    VALUES ($id, $owner, $key, $model, 0, $created, $deadline, 0, $method, $path, $headers, $body, $cred, $err);
                    """;
                cmd.Parameters.AddWithValue("$id", id);
                cmd.Parameters.AddWithValue("$owner", owner);
                cmd.Parameters.AddWithValue("$key", string.IsNullOrEmpty(idempotencyKey) ? DBNull.Value : idempotencyKey);
                cmd.Parameters.AddWithValue("$model", (object?)model ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$created", now.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$deadline", deadline.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$method", request.Method);
                cmd.Parameters.AddWithValue("$path", request.PathAndQuery);
                cmd.Parameters.AddWithValue("$headers", HeaderCodec.Encode(request.Headers, dropCredentials: true));
                cmd.Parameters.AddWithValue("$body", request.Body.ToArray());
                cmd.Parameters.AddWithValue("$cred", protectedCredential is { } c ? c.ToArray() : DBNull.Value);
                cmd.Parameters.AddWithValue("$err", (object?)lastError ?? DBNull.Value);
                cmd.ExecuteNonQuery();
            }

            var job = SelectOne($"SELECT {DeferredJobSchema.Columns} FROM jobs WHERE id = $id;", tx, ("$id", id))!;
            tx.Commit();
            _metrics.Enqueued.Add(1);
            return Task.FromResult(new DeferredEnqueueResult(job, Created: true));
        }
    }

    /// <inheritdoc />
    public Task<DeferredJob?> GetAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            return Task.FromResult(SelectOne($"SELECT {DeferredJobSchema.Columns} FROM jobs WHERE id = $id AND owner = $owner;", null, ("$id", id), ("$owner", owner)));
        }
    }

    /// <inheritdoc />
    public Task<DeferredJob?> FindByIdempotencyKeyAsync(string owner, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            return Task.FromResult(SelectOne($"SELECT {DeferredJobSchema.Columns} FROM jobs WHERE owner = $owner AND idem_key = $key;", null, ("$owner", owner), ("$key", idempotencyKey)));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeferredJob>> ListAsync(DeferredJobState? state = null, int limit = 1000, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            var where = state is null ? string.Empty : "WHERE state = $state";
            var sql = $"SELECT {DeferredJobSchema.Columns} FROM jobs {where} ORDER BY created_at DESC, id LIMIT $limit;";
            return Task.FromResult<IReadOnlyList<DeferredJob>>(SelectMany(sql, ("$state", (object?)(int?)state ?? DBNull.Value), ("$limit", Math.Max(0, limit))));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<DeferredJobState, long>> CountAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            var counts = new Dictionary<DeferredJobState, long>();
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT state, COUNT(*) FROM jobs GROUP BY state;";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                counts[(DeferredJobState)reader.GetInt32(0)] = reader.GetInt64(1);
            }

            return Task.FromResult<IReadOnlyDictionary<DeferredJobState, long>>(counts);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeferredJob>> PeekQueuedAsync(int limit, IReadOnlyCollection<string>? skipModels = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            var parameters = new List<(string Name, object Value)> { ("$now", _time.GetUtcNow().ToUnixTimeMilliseconds()), ("$limit", Math.Max(0, limit)) };
            var skip = string.Empty;
            if (skipModels is { Count: > 0 })
            {
                var names = skipModels.Select((m, i) => (Name: "$skip" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), Value: (object)m)).ToList();
                parameters.AddRange(names);
                skip = $" AND (model IS NULL OR model NOT IN ({string.Join(", ", names.Select(n => n.Name))}))";
            }

            var sql = $"SELECT {DeferredJobSchema.Columns} FROM jobs WHERE state = 0 AND deadline > $now{skip} ORDER BY deadline, created_at, id LIMIT $limit;";
            return Task.FromResult<IReadOnlyList<DeferredJob>>(SelectMany(sql, [.. parameters]));
        }
    }

    /// <inheritdoc />
    public Task<bool> TryStartAsync(string id, CancellationToken cancellationToken = default) =>
        Update("UPDATE jobs SET state = 1, attempts = attempts + 1 WHERE id = $id AND state = 0;", cancellationToken, ("$id", id));

    /// <inheritdoc />
    public Task<bool> RequeueAsync(string id, string lastError, CancellationToken cancellationToken = default) =>
        Update("UPDATE jobs SET state = 0, last_error = $err WHERE id = $id AND state = 1;", cancellationToken, ("$id", id), ("$err", lastError));

    /// <inheritdoc />
    public Task<bool> CompleteAsync(string id, DeferredJobState state, DeferredResponse response, string? lastError = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (state is not (DeferredJobState.Succeeded or DeferredJobState.Failed))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "A completed job either succeeded or failed.");
        }

        return Update(
            $"UPDATE jobs SET state = $state, completed_at = $now, resp_status = $status, resp_headers = $headers, resp_body = $body, last_error = COALESCE($err, last_error), credential = NULL WHERE id = $id AND {DeferredJobSchema.NotFinal};",
            cancellationToken,
            ("$id", id),
            ("$state", (int)state),
            ("$now", _time.GetUtcNow().ToUnixTimeMilliseconds()),
            ("$status", response.StatusCode),
            ("$headers", HeaderCodec.Encode(response.Headers, dropCredentials: false)),
            ("$body", response.Body.ToArray()),
            ("$err", (object?)lastError ?? DBNull.Value));
    }

    /// <inheritdoc />
    public Task<int> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Count(
            "UPDATE jobs SET state = 4, completed_at = $now, credential = NULL, last_error = COALESCE(last_error, 'deadline passed before the job could run') WHERE state = 0 AND deadline <= $now;",
            cancellationToken,
            ("$now", now.ToUnixTimeMilliseconds()));

    /// <inheritdoc />
    public Task<int> ExpireDueExplainedAsync(DateTimeOffset now, Func<DeferredJob, string> describe, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(describe);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            var due = SelectMany($"SELECT {DeferredJobSchema.Columns} FROM jobs WHERE state = 0 AND deadline <= $now ORDER BY deadline, id;", ("$now", now.ToUnixTimeMilliseconds()));
            if (due.Count == 0)
            {
                return Task.FromResult(0);
            }

            using var tx = _connection.BeginTransaction();
            var expired = 0;
            foreach (var job in due)
            {
                using var cmd = _connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "UPDATE jobs SET state = 4, completed_at = $now, credential = NULL, last_error = $err WHERE id = $id AND state = 0;";
                cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                cmd.Parameters.AddWithValue("$err", describe(job));
                cmd.Parameters.AddWithValue("$id", job.Id);
                expired += cmd.ExecuteNonQuery();
            }

            tx.Commit();
            return Task.FromResult(expired);
        }
    }

    /// <inheritdoc />
    public Task<int> PurgeAsync(DateTimeOffset completedBefore, bool keepUnnotified, CancellationToken cancellationToken = default) =>
        Count(
            "DELETE FROM jobs WHERE completed_at IS NOT NULL AND completed_at < $before AND state IN (2, 3, 4)" + (keepUnnotified ? " AND notified = 1;" : ";"),
            cancellationToken,
            ("$before", completedBefore.ToUnixTimeMilliseconds()));

    /// <inheritdoc />
    public Task<int> RecoverRunningAsync(CancellationToken cancellationToken = default) =>
        Count("UPDATE jobs SET state = 0, last_error = COALESCE(last_error, 'interrupted: the process stopped while the job was running') WHERE state = 1;", cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DeferredJob>> PeekUnnotifiedAsync(int limit, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            var sql = $"SELECT {DeferredJobSchema.Columns} FROM jobs WHERE notified = 0 AND state IN (2, 3, 4) ORDER BY completed_at, id LIMIT $limit;";
            return Task.FromResult<IReadOnlyList<DeferredJob>>(SelectMany(sql, ("$limit", Math.Max(0, limit))));
        }
    }

    /// <inheritdoc />
    public Task<bool> MarkNotifiedAsync(string id, CancellationToken cancellationToken = default) =>
        Update("UPDATE jobs SET notified = 1 WHERE id = $id AND notified = 0 AND state IN (2, 3, 4);", cancellationToken, ("$id", id));

    /// <inheritdoc />
    public Task<byte[]?> GetProtectedCredentialAsync(string id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT credential FROM jobs WHERE id = $id;";
            cmd.Parameters.AddWithValue("$id", id);
            var value = cmd.ExecuteScalar();
            return Task.FromResult(value as byte[]);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _connection.Dispose();
            _metrics.Dispose();
        }
    }

    private Task<bool> Update(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        Count(sql, cancellationToken, parameters).ContinueWith(t => t.Result > 0, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private Task<int> Count(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfDisposed();
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                cmd.Parameters.AddWithValue(name, value);
            }

            return Task.FromResult(cmd.ExecuteNonQuery());
        }
    }

    private DeferredJob? SelectOne(string sql, SqliteTransaction? tx, params (string Name, object Value)[] parameters)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        using var reader = cmd.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    private List<DeferredJob> SelectMany(string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        var list = new List<DeferredJob>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            list.Add(Read(reader));
        }

        return list;
    }

    private static DeferredJob Read(SqliteDataReader r)
    {
        DeferredResponse? response = r.IsDBNull(13)
            ? null
            : new DeferredResponse(r.GetInt32(13), HeaderCodec.Decode(r.IsDBNull(14) ? null : r.GetString(14)), r.IsDBNull(15) ? Array.Empty<byte>() : (byte[])r.GetValue(15));
        return new DeferredJob(
            Id: r.GetString(0),
            Owner: r.GetString(1),
            IdempotencyKey: r.IsDBNull(2) ? null : r.GetString(2),
            Model: r.IsDBNull(3) ? null : r.GetString(3),
            State: (DeferredJobState)r.GetInt32(4),
            CreatedAt: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
            Deadline: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
            CompletedAt: r.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)),
            Attempts: r.GetInt32(8),
            Request: new DeferredRequest(r.GetString(9), r.GetString(10), HeaderCodec.Decode(r.GetString(11)), (byte[])r.GetValue(12)),
            Response: response,
            LastError: r.IsDBNull(16) ? null : r.GetString(16));
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
