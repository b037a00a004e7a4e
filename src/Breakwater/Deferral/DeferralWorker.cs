using System.Collections.Concurrent;
using Breakwater.Health;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Breakwater.Deferral;

/// <summary>
/// Drains an <see cref="IDeferredJobStore"/>: earliest deadline first, at most <see cref="DeferralWorkerOptions.MaxInFlight"/>
/// jobs at once, through an invoker (normally backed by a <see cref="BreakwaterHandler"/>). Jobs for a model whose
/// breaker is open, or whose concurrency limit is already used by live traffic, wait: live calls come first.
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
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _pollGate = new(1, 1);
    private ITimer? _timer;
    private int _disposed;

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
        if (_options.MaxInFlight < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.MaxInFlight, "MaxInFlight must be at least 1.");
        }

        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Jobs being sent upstream now.</summary>
    public int InFlight => _inFlight.Count;

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

            var free = _options.MaxInFlight - _inFlight.Count;
            if (free <= 0 || _stopping.IsCancellationRequested)
            {
                return 0;
            }

            var health = _health();
            var blocked = health.Where(h => !CanRun(h.Model, [h])).Select(h => h.Model).Distinct(StringComparer.Ordinal).ToList();
            var candidates = await _store.PeekQueuedAsync(Math.Max(free * 8, 64), blocked, cancellationToken).ConfigureAwait(false);
            var started = 0;
            foreach (var job in candidates)
            {
                if (started >= free)
                {
                    break;
                }

                if (_inFlight.ContainsKey(job.Id) || !CanRun(job.Model, health))
                {
                    continue;
                }

                if (!await _store.TryStartAsync(job.Id, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                started++;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _inFlight[job.Id] = done.Task;
                _ = RunJobAsync(job, done);
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

    private static bool CanRun(string? model, IReadOnlyList<ModelHealth> health)
    {
        if (model is null)
        {
            return true;
        }

        foreach (var h in health)
        {
            if (!string.Equals(h.Model, model, StringComparison.Ordinal))
            {
                continue;
            }

            // Open or isolated: the handler would refuse locally anyway. A full limit: live traffic goes first.
            if (h.Breaker is "open" or "isolated" || h.InFlight >= h.ConcurrencyLimit || h.Queued > 0)
            {
                return false;
            }
        }

        return true;
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

    private async Task RunJobAsync(DeferredJob job, TaskCompletionSource done)
    {
        try
        {
            await Task.Yield();
            await AttemptAsync(job).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            DeferralLog.PollFailed(_logger, ex.GetType().Name);
        }
        finally
        {
            _inFlight.TryRemove(job.Id, out _);
            done.TrySetResult();
        }
    }

    private async Task AttemptAsync(DeferredJob job)
    {
        if (_stopping.IsCancellationRequested)
        {
            await _store.RequeueAsync(job.Id, "worker stopped before the job was sent", CancellationToken.None).ConfigureAwait(false);
            return;
        }

        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        DeferredResponse response;
        try
        {
            using var request = DeferredHttp.ToRequest(job, _options.UpstreamBaseAddress);
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
                : timeout.IsCancellationRequested ? "attempt timed out"
                : "transport error: " + ex.GetType().Name;
            await RequeueAsync(job, error).ConfigureAwait(false);
            return;
        }

        if (DeferredHttp.IsTransient(response))
        {
            await RequeueAsync(job, DeferredHttp.Describe(response)).ConfigureAwait(false);
            return;
        }

        var state = response.StatusCode is >= 200 and < 300 ? DeferredJobState.Succeeded : DeferredJobState.Failed;
        if (await _store.CompleteAsync(job.Id, state, response, state == DeferredJobState.Failed ? DeferredHttp.Describe(response) : null, CancellationToken.None).ConfigureAwait(false))
        {
            DeferralMetrics.Finished.Add(1, new KeyValuePair<string, object?>("state", state == DeferredJobState.Succeeded ? "succeeded" : "failed"));
            DeferralLog.Completed(_logger, job.Id, state, response.StatusCode);
        }
    }

    private async Task RequeueAsync(DeferredJob job, string error)
    {
        DeferralLog.Requeued(_logger, job.Id, error);
        DeferralMetrics.Requeued.Add(1);
        await _store.RequeueAsync(job.Id, error, CancellationToken.None).ConfigureAwait(false);
    }
}
