using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Breakwater.Health;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Breakwater.Deferral;

/// <summary>
/// Drains an <see cref="IDeferredJobStore"/>: earliest deadline first, at most <see cref="DeferralWorkerOptions.MaxInFlight"/>
/// jobs at once, through an invoker (normally backed by a <see cref="BreakwaterHandler"/>). A model's jobs wait until it
/// is healthy again (breaker closed, throttle not rejecting, no overload signal for <see cref="DeferralWorkerOptions.QuietPeriod"/>)
/// and then go at the pace its adaptive concurrency limit leaves free after live traffic: live calls come first. A
/// breaker whose break is over reads half-open even with no live traffic to try it; then one job is sent as the probe,
/// and its answer closes the breaker (the rest follow, slow start) or opens it again.
/// A 2xx becomes succeeded and any other final answer (a 4xx other than 408/429) failed, both with the response
/// exactly as returned; overloads, 5xx and transport errors put the job back with its last error, and a job still
/// queued at its deadline becomes expired. On <see cref="StartAsync"/>, jobs left running by a crash are queued again:
/// such a request may reach the upstream twice.
/// </summary>
public sealed class DeferralWorker : IAsyncDisposable
{
    private readonly IDeferredJobStore _store;
    private readonly Func<IReadOnlyList<ModelHealth>> _health;
    private readonly DeferralWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _pollGate = new(1, 1);
    private readonly DeferralHousekeeping _housekeeping;
    private readonly DeferralAdmission _admission;
    private readonly SlowStartRamp _ramp;
    private readonly JobRunner _runner;
    private ITimer? _timer;
    private readonly DeferralMetrics _metrics;
    private int _disposed;
    private IReadOnlyDictionary<DeferredJobState, long> _counts = new Dictionary<DeferredJobState, long>();

    /// <summary>Creates the worker; nothing runs until <see cref="StartAsync"/> (or <see cref="RunOnceAsync"/>).</summary>
    /// <param name="store">The queue.</param>
    /// <param name="invoker">Sends jobs upstream; normally an HttpClient or invoker over a <see cref="BreakwaterHandler"/>.</param>
    /// <param name="health">Current model health, e.g. <see cref="BreakwaterHandler.GetHealth"/>; default: every model healthy.</param>
    /// <param name="options">Pace and polling; default <see cref="DeferralWorkerOptions"/>.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; default none.</param>
    /// <param name="meterFactory">Where its meter comes from; default a meter of its own, disposed with the worker.</param>
    public DeferralWorker(IDeferredJobStore store, HttpMessageInvoker invoker, Func<IReadOnlyList<ModelHealth>>? health = null, DeferralWorkerOptions? options = null, TimeProvider? timeProvider = null, ILogger<DeferralWorker>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(invoker);
        _store = store;
        _health = health ?? (static () => []);
        _options = options ?? new DeferralWorkerOptions();
        if (_options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = new DeferralMetrics(meterFactory);
        _metrics.ObserveQueued(() => Queued);
        _housekeeping = new DeferralHousekeeping(_store, _options, _time, _logger, _metrics);
        _admission = new DeferralAdmission(_options);
        _ramp = new SlowStartRamp(_options.MaxInFlight);
        _runner = new JobRunner(_store, invoker, _options, _time, _logger, _stopping, _metrics);
    }

    /// <summary>Jobs being sent upstream now.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>Jobs per state in the store as of the last poll (empty before the first); the dashboard's queue depth.</summary>
    public IReadOnlyDictionary<DeferredJobState, long> Counts => Volatile.Read(ref _counts);

    /// <summary>Queued jobs as of the last poll (the <c>breakwater.deferral.queued</c> gauge).</summary>
    public long Queued => Counts.TryGetValue(DeferredJobState.Queued, out var queued) ? queued : 0;

    /// <summary>Requeues jobs a crash left running, then polls every <see cref="DeferralWorkerOptions.PollInterval"/>.</summary>
    /// <param name="cancellationToken">Cancels the recovery.</param>
    /// <returns>A task that completes once recovery is done and the timer runs.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var recovered = await _store.RecoverRunningAsync(cancellationToken).ConfigureAwait(false);
        if (recovered > 0)
        {
            DeferralLog.Recovered(_logger, recovered);
        }

        Volatile.Write(ref _counts, await _store.CountAsync(cancellationToken).ConfigureAwait(false));
        _timer = _time.CreateTimer(static s => ((DeferralWorker)s!).OnTick(), this, _options.PollInterval, _options.PollInterval);
    }

    /// <summary>One poll: expires jobs past their deadline and starts as many queued jobs as the pace allows.</summary>
    /// <param name="cancellationToken">Cancels the poll (not the jobs it started).</param>
    /// <returns>How many jobs were started.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        if (!await _pollGate.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        try
        {
            IReadOnlyList<ModelHealth>? atExpiry = null;
            await _housekeeping.ExpireAsync((job, now) => _admission.WhyNotRun(atExpiry ??= _health(), job, now), cancellationToken).ConfigureAwait(false);
            if (_options.OnCompleted is { } onCompleted)
            {
                await _runner.NotifyAsync(onCompleted, cancellationToken).ConfigureAwait(false);
            }

            await _housekeeping.PurgeAsync(cancellationToken).ConfigureAwait(false);

            if (_options.TrackCounts)
            {
                Volatile.Write(ref _counts, await _store.CountAsync(cancellationToken).ConfigureAwait(false));
            }

            var free = _options.MaxInFlight - _inFlight.Count;
            if (free <= 0 || _stopping.IsCancellationRequested)
            {
                return 0;
            }

            var health = _health();
            var now = _time.GetUtcNow();
            var room = _admission.Room(health, now);
            var blocked = room.Where(r => r.Value <= 0).Select(r => r.Key).ToList();
            foreach (var model in blocked)
            {
                _ramp.Close(model);
            }

            var candidates = await _store.PeekQueuedAsync(Math.Max(free * 8, 64), blocked, cancellationToken).ConfigureAwait(false);
            var started = await StartJobsAsync(candidates, free, job => job.Model is not null && room.TryGetValue(job.Model, out var r) ? r : int.MaxValue, perJob: false, cancellationToken).ConfigureAwait(false);

            // Models still inside the full quiet period may take jobs whose deadline is near: such a job's own quiet
            // period is bounded by its deadline (DeferralWorkerOptions.QuietPeriodFor), so it gets its attempts before it
            // expires. Only those models' jobs are looked at again, each judged with its own quiet period.
            var shortest = _options.QuietPeriodFor(TimeSpan.Zero);
            if (started < free && shortest < _options.QuietPeriod)
            {
                var early = _admission.Room(health, now, shortest);
                var partial = blocked.Where(m => early.TryGetValue(m, out var r) && r > 0).ToHashSet(StringComparer.Ordinal);
                if (partial.Count > 0)
                {
                    var others = room.Keys.Where(m => !partial.Contains(m)).ToList();
                    var near = (await _store.PeekQueuedAsync(Math.Max(free * 8, 64), others, cancellationToken).ConfigureAwait(false))
                        .Where(j => j.Model is not null && partial.Contains(j.Model)).ToList();
                    started += await StartJobsAsync(
                        near,
                        free - started,
                        job => _admission.Room(health, now, _options.QuietPeriodFor(job.Deadline - job.CreatedAt)).GetValueOrDefault(job.Model!),
                        perJob: true,
                        cancellationToken).ConfigureAwait(false);
                }
            }

            return started;
        }
        finally
        {
            _pollGate.Release();
        }
    }

    /// <summary>
    /// Starts <paramref name="candidates"/> in order, at most <paramref name="free"/>, each only while its model has room:
    /// <paramref name="roomOf"/> less what this poll already started for the model, within the model's slow-start window.
    /// Without <paramref name="perJob"/>, a model's room is judged once, at its first job (every job of it waits alike);
    /// with it, each job is judged by itself (its own quiet period).
    /// </summary>
    private async Task<int> StartJobsAsync(IReadOnlyList<DeferredJob> candidates, int free, Func<DeferredJob, int> roomOf, bool perJob, CancellationToken cancellationToken)
    {
        var headroom = new Dictionary<string, int>(StringComparer.Ordinal);
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        var started = 0;
        foreach (var job in candidates)
        {
            if (started >= free)
            {
                break;
            }

            if (_inFlight.ContainsKey(job.Id))
            {
                continue;
            }

            // Each model gets at most its own headroom per poll: the adaptive limit paces the drain, not MaxInFlight
            // alone, and a model that just became healthy again starts with one job (slow start, see SlowStartRamp).
            var key = job.Model ?? "";
            int left;
            if (perJob)
            {
                var room = roomOf(job) - used.GetValueOrDefault(key);
                left = room <= 0 ? 0 : Math.Min(room, _ramp.Allows(key));
            }
            else if (!headroom.TryGetValue(key, out left))
            {
                // A model never called yet has no state to judge by: MaxInFlight and the ramp bound it until its first answers.
                left = Math.Min(roomOf(job), _ramp.Allows(key));
            }

            if (left <= 0)
            {
                headroom[key] = 0;
                continue;
            }

            if (!await _store.TryStartAsync(job.Id, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            headroom[key] = left == int.MaxValue ? left : left - 1;
            used[key] = used.GetValueOrDefault(key) + 1;
            started++;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlight[job.Id] = done.Task;
            var epoch = _ramp.Started(key);
            _ = RunJobAsync(job, done, epoch);
        }

        return started;
    }

    /// <summary>Waits until every job started so far has finished its attempt.</summary>
    /// <returns>A task that completes when nothing is in flight.</returns>
    public Task WhenIdleAsync() => Task.WhenAll(_inFlight.Values);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await WhenIdleAsync().ConfigureAwait(false);
        }
        #pragma warning disable CA1031 // Catch-all by design: shutdown must complete; cut-off jobs stay running in the store and are queued again on the next start.
        catch (Exception)
        {
            // Jobs cut off by shutdown stay running in the store and are queued again on the next start.
        }
        #pragma warning restore CA1031

        _stopping.Dispose();
        _pollGate.Dispose();
        _metrics.Dispose();
    }

    private void OnTick()
    {
        _ = TickAsync();
    }

    private async Task TickAsync()
    {
        try
        {
            await RunOnceAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        #pragma warning disable CA1031 // Catch-all by design: a failed poll is logged and retried on the next tick; it must never kill the worker loop.
        catch (Exception ex)
        {
            DeferralLog.PollFailed(_logger, ex.GetType().Name);
        }
        #pragma warning restore CA1031
    }

    private async Task RunJobAsync(DeferredJob job, TaskCompletionSource done, int epoch)
    {
        var final = false;
        try
        {
            // No Task.Yield: the send is asynchronous anyway, and staying on the poll's thread keeps virtual-time runs
            // (the benchmark) deterministic.
            final = await _runner.AttemptAsync(job).ConfigureAwait(false);
        }
        #pragma warning disable CA1031 // Catch-all by design: one job's failure is logged and the job is settled in finally; it must never kill the worker.
        catch (Exception ex)
        {
            DeferralLog.PollFailed(_logger, ex.GetType().Name);
        }
        #pragma warning restore CA1031
        finally
        {
            _ramp.Ended(job.Model ?? "", final, epoch);
            _inFlight.TryRemove(job.Id, out _);
            done.TrySetResult();
        }
    }
}
