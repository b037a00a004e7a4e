using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Breakwater.Status;

/// <summary>
/// Polls the status page in the background (opt-in: nothing happens until <see cref="Start"/>) and keeps the
/// current active incident at hand, so a failed response can carry <c>breakwater-incident: &lt;link&gt;</c>
/// without any request ever waiting on the status page.
/// </summary>
public sealed class StatusPageMonitor : IDisposable
{
    private readonly StatusPageClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private Task _lastRefresh = Task.CompletedTask;
    private volatile StatusPageResult? _current;
    private bool _refreshing;
    private bool _disposed;

    /// <summary>Creates a monitor over <paramref name="client"/>; it polls every <see cref="StatusPageOptions.PollInterval"/> of the client's options.</summary>
    /// <param name="client">The status page client (not disposed by the monitor).</param>
    /// <param name="timeProvider">The clock and timer; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; default none.</param>
    public StatusPageMonitor(StatusPageClient client, TimeProvider? timeProvider = null, ILogger<StatusPageMonitor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The latest summary, or <c>null</c> before the first poll completed.</summary>
    public StatusPageResult? Current => _current;

    /// <summary>The open incident of the latest summary, or <c>null</c> (also while the page reads as unknown).</summary>
    public StatusIncident? ActiveIncident => _current?.ActiveIncident;

    /// <summary>
    /// The value for a <c>breakwater-incident</c> header: the active incident's short link, else the status page
    /// address; <c>null</c> when no incident is active.
    /// </summary>
    public string? ActiveIncidentLink => ActiveIncident is { } i ? i.Shortlink ?? _client.Options.BaseUrl.AbsoluteUri : null;

    /// <summary>The most recent poll (for tests and for callers that want to wait for the first one).</summary>
    internal Task LastRefresh
    {
        get
        {
            lock (_gate)
            {
                return _lastRefresh;
            }
        }
    }

    /// <summary>Starts polling now and then every poll interval. Calling it again does nothing.</summary>
    public void Start()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _timer ??= _time.CreateTimer(_ => Tick(), null, TimeSpan.Zero, _client.Options.PollInterval);
        }
    }

    /// <summary>Polls once now (skipped while a poll is already running) and returns when it is done.</summary>
    /// <param name="cancellationToken">Stops waiting (the poll itself continues).</param>
    public Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        Tick();
        return LastRefresh.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Tick()
    {
        // The running poll is published under the same lock that claims it, so RefreshAsync never waits on a stale task.
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_refreshing)
            {
                return;
            }

            _refreshing = true;
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _lastRefresh = done.Task;
        }

        _ = RunPollAsync(done);
    }

    private async Task RunPollAsync(TaskCompletionSource done)
    {
        try
        {
            await PollAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _refreshing = false;
            }

            done.TrySetResult();
        }
    }

    private async Task PollAsync()
    {
        try
        {
            var before = _current?.ActiveIncident;
            var result = await _client.GetSummaryAsync().ConfigureAwait(false);

            // An unreachable page says nothing new: keep the last known incident for a few polls rather than
            // flapping it away, but not forever.
            var stale = _current is null || result.FetchedAt - _current.FetchedAt > _client.Options.PollInterval * 5;
            if (result.IsKnown || stale)
            {
                _current = result;
            }

            var after = _current?.ActiveIncident;
            if (after is not null && (before is null || before.Id != after.Id))
            {
                StatusPageLog.IncidentActive(_logger, after.Name, after.Shortlink);
            }
            else if (after is null && before is not null)
            {
                StatusPageLog.IncidentCleared(_logger, before.Name);
            }
        }
        #pragma warning disable CA1031 // Catch-all by design: guard so a timer callback can never take the process down.
        catch (Exception)
        {
            // The client never throws; this is only a guard so a timer callback can never take the process down.
        }
        #pragma warning restore CA1031
    }
}
