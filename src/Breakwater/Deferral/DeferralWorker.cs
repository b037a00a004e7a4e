using System.Collections.Concurrent;
using Breakwater.Health;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Breakwater.Deferral;

/// <summary>
/// Drains an <see cref="IDeferredJobStore"/>: earliest deadline first, at most <see cref="DeferralWorkerOptions.MaxInFlight"/>
/// jobs at once, through an invoker (normally backed by a <see cref="BreakwaterHandler"/>). A model's jobs wait until it
/// is healthy again (breaker closed, throttle not rejecting, no overload signal for <see cref="DeferralWorkerOptions.QuietPeriod"/>)
/// and then go at the pace its adaptive concurrency limit leaves free after live traffic: live calls come first.
/// A 2xx becomes succeeded and any other final answer (a 4xx other than 408/429) failed, both with the response
/// exactly as returned; overloads, 5xx and transport errors put the job back with its last error, and a job still
/// queued at its deadline becomes expired. On <see cref="StartAsync"/>, jobs left running by a crash are queued again:
/// such a request may reach the upstream twice.
/// </summary>
public sealed class DeferralWorker : IAsyncDisposable
{
    private readonly IDeferredJobStore _store;
    private readonly HttpMessageInvoker _invoker;
    private readonly Func<IReadOnlyList<ModelHealth>> _health;
    private readonly DeferralWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Ramp> _ramps = new(StringComparer.Ordinal);
    private readonly Lock _rampGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _pollGate = new(1, 1);
    private ITimer? _timer;
    private int _disposed;
    private IReadOnlyDictionary<DeferredJobState, long> _counts = new Dictionary<DeferredJobState, long>();
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;

    /// <summary>Finished jobs are deleted at most this often: a DELETE every poll would be wasted work.</summary>
    private static readonly TimeSpan PurgeSpacing = TimeSpan.FromMinutes(1);

    /// <summary>Creates the worker; nothing runs until <see cref="StartAsync"/> (or <see cref="RunOnceAsync"/>).</summary>
    /// <param name="store">The queue.</param>
    /// <param name="invoker">Sends jobs upstream; normally an HttpClient or invoker over a <see cref="BreakwaterHandler"/>.</param>
    /// <param name="health">Current model health, e.g. <see cref="BreakwaterHandler.GetHealth"/>; default: every model healthy.</param>
    /// <param name="options">Pace and polling; default <see cref="DeferralWorkerOptions"/>.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; default none.</param>
    public DeferralWorker(IDeferredJobStore store, HttpMessageInvoker invoker, Func<IReadOnlyList<ModelHealth>>? health = null, DeferralWorkerOptions? options = null, TimeProvider? timeProvider = null, ILogger<DeferralWorker>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(invoker);
        _store = store;
        _invoker = invoker;
        _health = health ?? (static () => []);
        _options = options ?? new DeferralWorkerOptions();
        if (_options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
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
        DeferralMetrics.Track(this);
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
            var expired = await _store.ExpireDueAsync(_time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (expired > 0)
            {
                DeferralMetrics.Finished.Add(expired, new KeyValuePair<string, object?>("state", "expired"));
                DeferralLog.Expired(_logger, expired);
            }

            if (_options.OnCompleted is { } onCompleted)
            {
                await NotifyAsync(onCompleted, cancellationToken).ConfigureAwait(false);
            }

            await PurgeAsync(cancellationToken).ConfigureAwait(false);

            if (_options.TrackCounts)
            {
                Volatile.Write(ref _counts, await _store.CountAsync(cancellationToken).ConfigureAwait(false));
            }

            var free = _options.MaxInFlight - _inFlight.Count;
            if (free <= 0 || _stopping.IsCancellationRequested)
            {
                return 0;
            }

            var room = Room(_health(), _time.GetUtcNow());
            var blocked = room.Where(r => r.Value <= 0).Select(r => r.Key).ToList();
            foreach (var model in blocked)
            {
                CloseRamp(model);
            }

            var candidates = await _store.PeekQueuedAsync(Math.Max(free * 8, 64), blocked, cancellationToken).ConfigureAwait(false);
            var headroom = new Dictionary<string, int>(StringComparer.Ordinal);
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
                // alone, and a model that just became healthy again starts with one job (slow start, see Ramp).
                var key = job.Model ?? "";
                if (!headroom.TryGetValue(key, out var left))
                {
                    // A model never called yet has no state to judge by: MaxInFlight and the ramp bound it until its first answers.
                    left = job.Model is not null && room.TryGetValue(job.Model, out var r) ? r : int.MaxValue;
                    left = Math.Min(left, RampAllows(key));
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
                started++;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _inFlight[job.Id] = done.Task;
                var epoch = RampStarted(key);
                _ = RunJobAsync(job, done, epoch);
            }

            return started;
        }
        finally
        {
            _pollGate.Release();
        }
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

        DeferralMetrics.Untrack(this);
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await WhenIdleAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Jobs cut off by shutdown stay running in the store and are queued again on the next start.
        }

        _stopping.Dispose();
        _pollGate.Dispose();
    }

    private async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_options.Retention <= TimeSpan.Zero || now - _lastPurge < PurgeSpacing)
        {
            return;
        }

        _lastPurge = now;
        var purged = await _store.PurgeAsync(now - _options.Retention, keepUnnotified: _options.OnCompleted is not null, cancellationToken).ConfigureAwait(false);
        if (purged > 0)
        {
            DeferralLog.Purged(_logger, purged);
        }
    }

    private async Task NotifyAsync(Func<DeferredJob, CancellationToken, Task> onCompleted, CancellationToken cancellationToken)
    {
        foreach (var job in await _store.PeekUnnotifiedAsync(64, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await onCompleted(job, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // At least once: a failed callback is tried again on the next poll.
                DeferralLog.CallbackFailed(_logger, job.Id, ex.GetType().Name);
                continue;
            }

            await _store.MarkNotifiedAsync(job.Id, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// How many more jobs the model takes now: none while its breaker is not closed, while the throttle still rejects,
    /// or within <see cref="DeferralWorkerOptions.QuietPeriod"/> of its last overload signal ("healthy again"); else what
    /// is left of its adaptive concurrency limit after live traffic (live calls come first, so nothing while calls queue).
    /// </summary>
    private int Headroom(ModelHealth h, DateTimeOffset now)
    {
        if (h.State is not BreakerState.Closed || h.ThrottleProbability > 0 || h.Queued > 0)
        {
            return 0;
        }

        // Healthy again = quiet: no overload signal, and no live call that had to wait for a slot, for a whole period.
        if ((h.LastOverloadAt is { } overload && now - overload < _options.QuietPeriod)
            || (h.LastLimitWaitAt is { } wait && now - wait < _options.QuietPeriod))
        {
            return 0;
        }

        // Jobs only fill the limit up to a share of it: the rest stays free for live calls arriving meanwhile. A small
        // limit (shrunk during the incident; jobs do not grow it) still lets one job through when nothing is in flight.
        return Math.Max(0, Math.Max(1, (int)Math.Floor(h.ConcurrencyLimit * _options.MaxLimitShare)) - h.InFlight);
    }

    private int RampAllows(string model)
    {
        lock (_rampGate)
        {
            if (!_ramps.TryGetValue(model, out var ramp))
            {
                ramp = new Ramp();
                _ramps[model] = ramp;
            }

            return Math.Min(_options.MaxInFlight, Math.Max(0, (int)Math.Floor(ramp.Window) - ramp.Running));
        }
    }

    /// <summary>The model is not healthy: once it is again, its jobs start from one at a time.</summary>
    private void CloseRamp(string model)
    {
        lock (_rampGate)
        {
            if (_ramps.TryGetValue(model, out var ramp) && ramp.Window > 1)
            {
                ramp.Window = 1;
                ramp.Epoch++;
            }
        }
    }

    private int RampStarted(string model)
    {
        lock (_rampGate)
        {
            if (!_ramps.TryGetValue(model, out var ramp))
            {
                return 0;
            }

            ramp.Running++;
            return ramp.Epoch;
        }
    }

    /// <summary>A job's attempt ended: a final answer widens the model's window by one job per window's worth of answers; a transient one closes it to one.</summary>
    private void RampEnded(string model, bool final, int epoch)
    {
        lock (_rampGate)
        {
            if (!_ramps.TryGetValue(model, out var ramp))
            {
                return;
            }

            ramp.Running = Math.Max(0, ramp.Running - 1);
            if (!final)
            {
                ramp.Window = 1;
                ramp.Epoch++;
            }
            else if (epoch == ramp.Epoch)
            {
                // Answers to jobs sent before the last trouble say nothing about now: only newer ones widen the window.
                ramp.Window = Math.Min(_options.MaxInFlight, ramp.Window + (1.0 / ramp.Window));
            }
        }
    }

    /// <summary>Per model, what <see cref="Headroom"/> allows; several clients of one registry may report a model, and the tightest decides.</summary>
    private Dictionary<string, int> Room(IReadOnlyList<ModelHealth> health, DateTimeOffset now)
    {
        var room = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var h in health)
        {
            var r = Headroom(h, now);
            room[h.Model] = room.TryGetValue(h.Model, out var other) ? Math.Min(other, r) : r;
        }

        return room;
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
        catch (Exception ex)
        {
            DeferralLog.PollFailed(_logger, ex.GetType().Name);
        }
    }

    private async Task RunJobAsync(DeferredJob job, TaskCompletionSource done, int epoch)
    {
        var final = false;
        try
        {
            // No Task.Yield: the send is asynchronous anyway, and staying on the poll's thread keeps virtual-time runs
            // (the benchmark) deterministic.
            final = await AttemptAsync(job).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            DeferralLog.PollFailed(_logger, ex.GetType().Name);
        }
        finally
        {
            RampEnded(job.Model ?? "", final, epoch);
            _inFlight.TryRemove(job.Id, out _);
            done.TrySetResult();
        }
    }

    private async Task<bool> AttemptAsync(DeferredJob job)
    {
        if (_stopping.IsCancellationRequested)
        {
            await _store.RequeueAsync(job.Id, "worker stopped before the job was sent", CancellationToken.None).ConfigureAwait(false);
            return false;
        }

        // An attempt never outlives the job's deadline: a job finished late would be reported as succeeded after it.
        var left = job.Deadline - _time.GetUtcNow();
        using var timeout = new CancellationTokenSource(left < _options.AttemptTimeout ? (left > TimeSpan.Zero ? left : TimeSpan.FromTicks(1)) : _options.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        DeferredResponse response;
        try
        {
            using var request = DeferredHttp.ToRequest(job, _options.UpstreamBaseAddress);
            request.Options.Set(BreakwaterRequestOptions.Background, true);
            if (_options.PrepareRequest is { } prepare)
            {
                await prepare(job, request, linked.Token).ConfigureAwait(false);
            }

            using var upstream = await _invoker.SendAsync(request, linked.Token).ConfigureAwait(false);
            response = await DeferredHttp.ToResponseAsync(upstream, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            var error = _stopping.IsCancellationRequested ? "worker stopped while the job was running"
                : timeout.IsCancellationRequested ? (_time.GetUtcNow() >= job.Deadline ? "deadline reached while the job was running" : "attempt timed out")
                : "transport error: " + ex.GetType().Name;
            await RequeueAsync(job, error).ConfigureAwait(false);
            return false;
        }

        if (DeferredHttp.IsTransient(response))
        {
            await RequeueAsync(job, DeferredHttp.Describe(response)).ConfigureAwait(false);
            return false;
        }

        var state = response.StatusCode is >= 200 and < 300 ? DeferredJobState.Succeeded : DeferredJobState.Failed;
        if (await _store.CompleteAsync(job.Id, state, response, state == DeferredJobState.Failed ? DeferredHttp.Describe(response) : null, CancellationToken.None).ConfigureAwait(false))
        {
            DeferralMetrics.Finished.Add(1, new KeyValuePair<string, object?>("state", state == DeferredJobState.Succeeded ? "succeeded" : "failed"));
            DeferralLog.Completed(_logger, job.Id, state, response.StatusCode);
        }

        return true;
    }

    private async Task RequeueAsync(DeferredJob job, string error)
    {
        DeferralLog.Requeued(_logger, job.Id, error);
        DeferralMetrics.Requeued.Add(1);
        await _store.RequeueAsync(job.Id, error, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Slow start per model: how many jobs may run at once (grows as jobs get final answers, back to one on trouble).</summary>
    private sealed class Ramp
    {
        public double Window { get; set; } = 1;

        public int Running { get; set; }

        /// <summary>Counts resets, so answers to jobs started before one do not widen the window.</summary>
        public int Epoch { get; set; }
    }
}
