using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Breakwater.Telemetry.Journal;

/// <summary>
/// The incident journal: every failed attempt in an embedded SQLite file (WAL), written off the request path.
/// <see cref="Record"/> only enqueues into a bounded queue and never blocks or throws; a background writer
/// drains it in batches and applies retention (<see cref="JournalOptions.MaxAge"/>, <see cref="JournalOptions.MaxRows"/>).
/// When the queue is full, or the file cannot be written, records are dropped and counted in <see cref="DroppedCount"/>.
/// Disposal flushes what is queued.
/// </summary>
public sealed class SqliteIncidentJournal : IIncidentSink, IDisposable, IAsyncDisposable
{
    private const int BatchSize = 512;

    private readonly JournalOptions _options;
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<object> _queue;
    private readonly Task _writer;
    [SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "Owned by the writer loop: opened and closed on it (CloseConnection in WriteLoopAsync's finally); Dispose completes the queue and waits for that loop.")]
    private SqliteConnection? _connection;
    [SuppressMessage("Usage", "CA2213:Disposable fields should be disposed", Justification = "Owned by the writer loop with _connection and closed with it (CloseConnection).")]
    private SqliteCommand? _insert;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;
    private long _sincePrune;
    private long _dropped;
    private long _written;
    private readonly JournalMetrics _metrics;
    private int _disposed;
    private int _pruneRequested;
    private bool _openFailureLogged;

    /// <summary>Creates the journal and starts its background writer. The file is opened on the writer, never here.</summary>
    /// <param name="options">Path and retention; default <see cref="JournalOptions"/>.</param>
    /// <param name="timeProvider">The clock for retention; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; default none.</param>
    /// <param name="meterFactory">Where its meter comes from; default a meter of its own, disposed with the journal.</param>
    public SqliteIncidentJournal(JournalOptions? options = null, TimeProvider? timeProvider = null, ILogger<SqliteIncidentJournal>? logger = null, IMeterFactory? meterFactory = null)
    {
        _metrics = new JournalMetrics(meterFactory);
        _options = options ?? new JournalOptions();
        _path = JournalOptions.Expand(_options.Path);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The file the journal writes to (with <c>~</c> expanded).</summary>
    public string Path => _path;

    /// <summary>Records dropped so far: queue full, file not writable, or recorded after disposal.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Records written to the file so far.</summary>
    public long WrittenCount => Interlocked.Read(ref _written);

    /// <inheritdoc />
    public void Record(AttemptRecord record)
    {
        try
        {
            if (record is null)
            {
                return;
            }

            if (!_queue.Writer.TryWrite(record))
            {
                var dropped = Interlocked.Increment(ref _dropped);
                _metrics.Dropped.Add(1);

                // One warning per power of two keeps a storm of drops from becoming a storm of logs.
                if ((dropped & (dropped - 1)) == 0)
                {
                    JournalLog.QueueFull(_logger, dropped);
                }
            }
        }
        #pragma warning disable CA1031 // Catch-all by design: the contract is never-throws: a journal problem must never become the caller's problem.
        catch (Exception)
        {
            // The contract is "never throws": a journal problem must never become the caller's problem.
        }
        #pragma warning restore CA1031
    }

    /// <summary>Waits until everything recorded before this call has been written (or dropped).</summary>
    internal async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(done, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies retention now (normally done every <see cref="JournalOptions.PruneInterval"/> by the writer).</summary>
    internal Task PruneNowAsync(CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref _pruneRequested, 1);
        return FlushAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();

        // Disposal flushes: the writer ends once the completed queue is drained.
        _writer.GetAwaiter().GetResult();
        _metrics.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _metrics.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<AttemptRecord>(BatchSize);
        var flushes = new List<TaskCompletionSource>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                flushes.Clear();
                while (batch.Count < BatchSize && _queue.Reader.TryRead(out var item))
                {
                    if (item is AttemptRecord record)
                    {
                        batch.Add(record);
                    }
                    else if (item is TaskCompletionSource flush)
                    {
                        flushes.Add(flush);
                    }
                }

                WriteBatch(batch);
                MaybePrune(force: Interlocked.Exchange(ref _pruneRequested, 0) == 1);
                foreach (var f in flushes)
                {
                    f.TrySetResult();
                }
            }
        }
        #pragma warning disable CA1031 // Catch-all by design: the background writer logs and closes; a journal problem must never surface to callers.
        catch (Exception ex)
        {
            JournalLog.WriteFailed(_logger, ex.GetType().Name, 0);
        }
        #pragma warning restore CA1031
        finally
        {
            CloseConnection();
        }
    }

    private void WriteBatch(List<AttemptRecord> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            var connection = EnsureOpen();
            if (connection is null || _insert is null)
            {
                Drop(batch.Count);
                return;
            }

            using var transaction = connection.BeginTransaction();
            _insert.Transaction = transaction;
            foreach (var record in batch)
            {
                JournalRecordCodec.Bind(_insert, record);
                _insert.ExecuteNonQuery();
            }

            transaction.Commit();
            Interlocked.Add(ref _written, batch.Count);
            _metrics.Written.Add(batch.Count);
            _sincePrune += batch.Count;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            JournalLog.WriteFailed(_logger, ex is SqliteException se ? $"sqlite {se.SqliteErrorCode}" : ex.GetType().Name, batch.Count);
            Drop(batch.Count);

            // Reopen next time: the file may have been removed or the disk may be back.
            CloseConnection();
        }
    }

    private void MaybePrune(bool force)
    {
        var now = _time.GetUtcNow();

        // Rows are bounded between intervals too: a storm may not grow the file far past MaxRows.
        var due = force || now - _lastPrune >= _options.PruneInterval || _sincePrune >= Math.Max(1, _options.MaxRows / 10);
        if (!due || EnsureOpen() is not { } connection)
        {
            return;
        }

        try
        {
            var removed = 0;
            using (var command = connection.CreateCommand())
            {
                command.CommandText = JournalSchema.PruneByAge;
                command.Parameters.AddWithValue("$cutoff", (now - _options.MaxAge).ToUnixTimeMilliseconds());
                removed += command.ExecuteNonQuery();
            }

            using (var command = connection.CreateCommand())
            {
                command.CommandText = JournalSchema.PruneByRows;
                command.Parameters.AddWithValue("$max", _options.MaxRows);
                removed += command.ExecuteNonQuery();
            }

            if (removed > 0)
            {
                JournalSchema.Execute(connection, "PRAGMA incremental_vacuum;");
                JournalLog.Pruned(_logger, removed);
            }

            _lastPrune = now;
            _sincePrune = 0;
        }
        catch (SqliteException ex)
        {
            JournalLog.WriteFailed(_logger, $"prune: sqlite {ex.SqliteErrorCode}", 0);
        }
    }

    private SqliteConnection? EnsureOpen()
    {
        if (_connection is not null)
        {
            return _connection;
        }

        try
        {
            _connection = JournalSchema.OpenForWriting(_path);
            _insert = _connection.CreateCommand();
            _insert.CommandText = JournalSchema.Insert;
            JournalRecordCodec.AddParameters(_insert);
            _insert.Prepare();
            _openFailureLogged = false;
            _lastPrune = DateTimeOffset.MinValue;
            return _connection;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            if (!_openFailureLogged)
            {
                JournalLog.OpenFailed(_logger, _path, ex is SqliteException se ? $"sqlite {se.SqliteErrorCode}" : ex.GetType().Name);
                _openFailureLogged = true;
            }

            CloseConnection();
            return null;
        }
    }

    private void CloseConnection()
    {
        _insert?.Dispose();
        _insert = null;
        _connection?.Dispose();
        _connection = null;
    }

    private void Drop(int count)
    {
        Interlocked.Add(ref _dropped, count);
        _metrics.Dropped.Add(count);
    }
}
