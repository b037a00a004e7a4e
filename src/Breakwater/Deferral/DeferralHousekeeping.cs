using Microsoft.Extensions.Logging;

namespace Breakwater.Deferral;

/// <summary>The store's upkeep on each poll: jobs past their deadline expire, and finished jobs past the retention are deleted.</summary>
internal sealed class DeferralHousekeeping
{
    /// <summary>Finished jobs are deleted at most this often: a DELETE every poll would be wasted work.</summary>
    private static readonly TimeSpan PurgeSpacing = TimeSpan.FromMinutes(1);

    private readonly DeferralMetrics _metrics;
    private readonly IDeferredJobStore _store;
    private readonly DeferralWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;

    public DeferralHousekeeping(IDeferredJobStore store, DeferralWorkerOptions options, TimeProvider time, ILogger logger, DeferralMetrics metrics)
    {
        _metrics = metrics;
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Queued jobs whose deadline has passed become expired, their last error saying why they never ran (<paramref name="why"/>).</summary>
    public async Task ExpireAsync(Func<DeferredJob, DateTimeOffset, string> why, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var expired = await _store.ExpireDueExplainedAsync(now, job => Describe(job, why(job, now)), cancellationToken).ConfigureAwait(false);
        if (expired > 0)
        {
            _metrics.Finished.Add(expired, new KeyValuePair<string, object?>("state", "expired"));
            DeferralLog.Expired(_logger, expired);
        }
    }

    /// <summary>An expired job's last error: how many attempts it had, why it got no more, and the error before that.</summary>
    internal static string Describe(DeferredJob job, string why)
    {
        var attempts = job.Attempts == 1 ? "1 attempt" : job.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture) + " attempts";
        return job.LastError is { Length: > 0 } last
            ? $"expired after {attempts}: {why}; before that: {last}"
            : $"expired after {attempts}: {why}";
    }

    /// <summary>Deletes jobs finished longer than <see cref="DeferralWorkerOptions.Retention"/> ago, at most once per <see cref="PurgeSpacing"/>.</summary>
    public async Task PurgeAsync(CancellationToken cancellationToken)
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
}
