using Microsoft.Extensions.Logging;

namespace Breakwater.Deferral;

/// <summary>
/// Sends one job and records its result: a 2xx becomes succeeded and any other final answer failed, both with the
/// response exactly as returned; overloads, 5xx and transport errors put the job back with its last error. Also
/// delivers finished jobs to <see cref="DeferralWorkerOptions.OnCompleted"/>.
/// </summary>
internal sealed class JobRunner
{
    private readonly DeferralMetrics _metrics;
    private readonly IDeferredJobStore _store;
    private readonly HttpMessageInvoker _invoker;
    private readonly DeferralWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping;

    /// <summary>Creates the runner; <paramref name="stopping"/> is the worker's, cancelled when it stops.</summary>
    public JobRunner(IDeferredJobStore store, HttpMessageInvoker invoker, DeferralWorkerOptions options, TimeProvider time, ILogger logger, CancellationTokenSource stopping, DeferralMetrics metrics)
    {
        _metrics = metrics;
        _store = store;
        _invoker = invoker;
        _options = options;
        _time = time;
        _logger = logger;
        _stopping = stopping;
    }

    /// <summary>One attempt of <paramref name="job"/>, already marked running; true when it got a final answer.</summary>
    public async Task<bool> AttemptAsync(DeferredJob job)
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
            _metrics.Finished.Add(1, new KeyValuePair<string, object?>("state", state == DeferredJobState.Succeeded ? "succeeded" : "failed"));
            DeferralLog.Completed(_logger, job.Id, state, response.StatusCode);
        }

        return true;
    }

    /// <summary>Hands finished jobs whose callback is still owed to <paramref name="onCompleted"/>, at least once each.</summary>
    public async Task NotifyAsync(Func<DeferredJob, CancellationToken, Task> onCompleted, CancellationToken cancellationToken)
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

    private async Task RequeueAsync(DeferredJob job, string error)
    {
        DeferralLog.Requeued(_logger, job.Id, error);
        _metrics.Requeued.Add(1);
        await _store.RequeueAsync(job.Id, error, CancellationToken.None).ConfigureAwait(false);
    }
}
