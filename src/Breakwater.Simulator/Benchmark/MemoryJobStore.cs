using System.Globalization;
using Breakwater.Deferral;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// An in-memory <see cref="IDeferredJobStore"/> for the virtual-time benchmark: the same state machine as
/// <see cref="SqliteDeferredJobStore"/> (earliest deadline first, final results never change), with sequential ids so a
/// run is deterministic. Not durable, on purpose: durability is tested against SQLite with SIGKILL; the benchmark
/// measures when jobs run, and a disk write per job would only slow the suite down.
/// </summary>
internal sealed class MemoryJobStore : IDeferredJobStore
{
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Entry> _jobs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _sequence;

    public MemoryJobStore(TimeProvider time) => _time = time;

    /// <summary>Every job, in creation order (the benchmark reads final states from it).</summary>
    public IReadOnlyList<DeferredJob> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _jobs.Values.OrderBy(e => e.Sequence).Select(e => e.Job)];
            }
        }
    }

    public Task<DeferredEnqueueResult> EnqueueAsync(string owner, string? idempotencyKey, string? model, DeferredRequest request, DateTimeOffset deadline, ReadOnlyMemory<byte>? protectedCredential = null, string? lastError = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            if (!string.IsNullOrEmpty(idempotencyKey)
                && _jobs.Values.FirstOrDefault(e => e.Job.Owner == owner && e.Job.IdempotencyKey == idempotencyKey) is { } existing)
            {
                return Task.FromResult(new DeferredEnqueueResult(existing.Job, Created: false));
            }

            var sequence = ++_sequence;
            var id = "job_" + sequence.ToString("x32", CultureInfo.InvariantCulture);
            var job = new DeferredJob(id, owner, idempotencyKey, model, DeferredJobState.Queued, _time.GetUtcNow(), deadline, null, 0, request, null, lastError);
            _jobs[id] = new Entry(job, sequence, protectedCredential?.ToArray());
            return Task.FromResult(new DeferredEnqueueResult(job, Created: true));
        }
    }

    public Task<DeferredJob?> GetAsync(string owner, string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_jobs.TryGetValue(id, out var e) && e.Job.Owner == owner ? e.Job : null);
        }
    }

    public Task<DeferredJob?> FindByIdempotencyKeyAsync(string owner, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_jobs.Values.FirstOrDefault(e => e.Job.Owner == owner && e.Job.IdempotencyKey == idempotencyKey)?.Job);
        }
    }

    public Task<IReadOnlyList<DeferredJob>> ListAsync(DeferredJobState? state = null, int limit = 1000, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeferredJob>>([.. _jobs.Values.Where(e => state is null || e.Job.State == state)
                .OrderByDescending(e => e.Sequence).Take(Math.Max(0, limit)).Select(e => e.Job)]);
        }
    }

    public Task<IReadOnlyDictionary<DeferredJobState, long>> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<DeferredJobState, long>>(
                _jobs.Values.GroupBy(e => e.Job.State).ToDictionary(g => g.Key, g => (long)g.Count()));
        }
    }

    public Task<IReadOnlyList<DeferredJob>> PeekQueuedAsync(int limit, IReadOnlyCollection<string>? skipModels = null, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeferredJob>>([.. _jobs.Values
                .Where(e => e.Job.State == DeferredJobState.Queued && e.Job.Deadline > now
                    && (e.Job.Model is null || skipModels is null || !skipModels.Contains(e.Job.Model)))
                .OrderBy(e => e.Job.Deadline).ThenBy(e => e.Job.CreatedAt).ThenBy(e => e.Sequence)
                .Take(Math.Max(0, limit)).Select(e => e.Job)]);
        }
    }

    public Task<bool> TryStartAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Change(id, j => j.State == DeferredJobState.Queued, j => j with { State = DeferredJobState.Running, Attempts = j.Attempts + 1 }));

    public Task<bool> RequeueAsync(string id, string lastError, CancellationToken cancellationToken = default) =>
        Task.FromResult(Change(id, j => j.State == DeferredJobState.Running, j => j with { State = DeferredJobState.Queued, LastError = lastError }));

    public Task<bool> CompleteAsync(string id, DeferredJobState state, DeferredResponse response, string? lastError = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (state is not (DeferredJobState.Succeeded or DeferredJobState.Failed))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "A completed job either succeeded or failed.");
        }

        var now = _time.GetUtcNow();
        return Task.FromResult(Change(id, j => !j.IsFinal, j => j with { State = state, CompletedAt = now, Response = response, LastError = lastError ?? j.LastError }, eraseCredential: true));
    }

    public Task<int> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var due = _jobs.Values.Where(e => e.Job.State == DeferredJobState.Queued && e.Job.Deadline <= now).Select(e => e.Job.Id).ToList();
            foreach (var id in due)
            {
                var e = _jobs[id];
                _jobs[id] = e with
                {
                    Job = e.Job with { State = DeferredJobState.Expired, CompletedAt = now, LastError = e.Job.LastError ?? "deadline passed before the job could run" },
                    Credential = null,
                };
            }

            return Task.FromResult(due.Count);
        }
    }

    public Task<int> PurgeAsync(DateTimeOffset completedBefore, bool keepUnnotified, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var old = _jobs.Values.Where(e => e.Job.IsFinal && e.Job.CompletedAt < completedBefore && (!keepUnnotified || e.Notified)).Select(e => e.Job.Id).ToList();
            foreach (var id in old)
            {
                _jobs.Remove(id);
            }

            return Task.FromResult(old.Count);
        }
    }

    public Task<int> RecoverRunningAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var running = _jobs.Values.Where(e => e.Job.State == DeferredJobState.Running).Select(e => e.Job.Id).ToList();
            foreach (var id in running)
            {
                _jobs[id] = _jobs[id] with { Job = _jobs[id].Job with { State = DeferredJobState.Queued } };
            }

            return Task.FromResult(running.Count);
        }
    }

    public Task<IReadOnlyList<DeferredJob>> PeekUnnotifiedAsync(int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<DeferredJob>>([.. _jobs.Values.Where(e => e.Job.IsFinal && !e.Notified)
                .OrderBy(e => e.Job.CompletedAt).ThenBy(e => e.Sequence).Take(Math.Max(0, limit)).Select(e => e.Job)]);
        }
    }

    public Task<bool> MarkNotifiedAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var e) || !e.Job.IsFinal || e.Notified)
            {
                return Task.FromResult(false);
            }

            _jobs[id] = e with { Notified = true };
            return Task.FromResult(true);
        }
    }

    public Task<byte[]?> GetProtectedCredentialAsync(string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_jobs.TryGetValue(id, out var e) ? e.Credential : null);
        }
    }

    private bool Change(string id, Func<DeferredJob, bool> when, Func<DeferredJob, DeferredJob> change, bool eraseCredential = false)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(id, out var e) || !when(e.Job))
            {
                return false;
            }

            _jobs[id] = e with { Job = change(e.Job), Credential = eraseCredential ? null : e.Credential };
            return true;
        }
    }

    private sealed record Entry(DeferredJob Job, long Sequence, byte[]? Credential)
    {
        public bool Notified { get; init; }
    }
}
