using System.Diagnostics.Metrics;
using Breakwater.State;
using Breakwater.Deferral;
using Breakwater.Gateway.Features.Auth;
using Breakwater.Gateway.Features.Proxy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Features.Jobs;

/// <summary>
/// The gateway's job store and worker. The database is opened on the first deferral, or at start when it already
/// exists (so jobs accepted before a restart, or a crash, are finished).
/// </summary>
internal sealed class DeferralRuntime : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly IMeterFactory? _meters;
    private readonly GatewayOptions _options;
    private readonly UpstreamClient _upstream;
    private readonly CredentialVault _vault;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly SemaphoreSlim _open = new(1, 1);
    private SqliteDeferredJobStore? _store;
    private DeferralWorker? _worker;
    private bool _stopped;

    public DeferralRuntime(GatewayOptions options, UpstreamClient upstream, CredentialVault vault, TimeProvider time, ILoggerFactory loggers, IMeterFactory? meters = null)
    {
        _meters = meters;
        _options = options;
        _upstream = upstream;
        _vault = vault;
        _time = time;
        _loggers = loggers;
    }

    public GatewayDeferralOptions Settings => _options.Deferral;

    private DeferralWorkerOptions WorkerOptions()
    {
        var worker = Settings.Worker();
        worker.UpstreamBaseAddress = _upstream.BaseAddress;
        worker.PrepareRequest = PrepareAsync;
        return worker;
    }

    /// <summary>Jobs per state as of the worker's last poll; null while no job database is open.</summary>
    public IReadOnlyDictionary<DeferredJobState, long>? Counts => _worker?.Counts;

    /// <summary>Jobs being sent upstream now.</summary>
    public int InFlight => _worker?.InFlight ?? 0;

    /// <summary>The store if it is open or exists on disk; null when no job was ever deferred here.</summary>
    public async Task<IDeferredJobStore?> GetStoreAsync(bool create, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _store) is { } open)
        {
            return open;
        }

        if (!create && !File.Exists(Settings.FullPath))
        {
            return null;
        }

        await _open.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_store is null && !_stopped)
            {
                #pragma warning disable CA2000 // Ownership moves to _store (published with Volatile.Write) once the worker runs, and DisposeAsync disposes it; a failed start disposes it below.
                var store = new SqliteDeferredJobStore(Settings.FullPath, _time, _meters);
                #pragma warning restore CA2000
                DeferralWorker? worker = null;
                try
                {
                    worker = new DeferralWorker(
                        store,
                        _upstream.Pipeline,
                        () => HealthSnapshot.Of(_upstream.State),
                        WorkerOptions(),
                        _time,
                        _loggers.CreateLogger<DeferralWorker>(),
                        _meters);
                    await worker.StartAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    if (worker is not null)
                    {
                        await worker.DisposeAsync().ConfigureAwait(false);
                    }

                    store.Dispose();
                    throw;
                }

                _worker = worker;
                Volatile.Write(ref _store, store);
            }

            return _store;
        }
        finally
        {
            _open.Release();
        }
    }

    /// <summary>One poll of the worker, waiting for the jobs it started (tests and the CLI drive the queue with it).</summary>
    internal async Task<int> DrainOnceAsync(CancellationToken cancellationToken = default)
    {
        if (await GetStoreAsync(create: false, cancellationToken).ConfigureAwait(false) is null || _worker is not { } worker)
        {
            return 0;
        }

        var started = await worker.RunOnceAsync(cancellationToken).ConfigureAwait(false);
        await worker.WhenIdleAsync().ConfigureAwait(false);
        return started;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Settings.Enabled)
        {
            await GetStoreAsync(create: false, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _open.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _stopped = true;
            if (_worker is not null)
            {
                await _worker.DisposeAsync().ConfigureAwait(false);
                _worker = null;
            }
        }
        finally
        {
            _open.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync().ConfigureAwait(false);
        }

        _worker = null;
        _store?.Dispose();
        _open.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task PrepareAsync(DeferredJob job, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_options.Auth.Mode == GatewayAuthMode.Managed)
        {
            request.Headers.TryAddWithoutValidation(Breakwater.Anthropic.AnthropicHeaders.ApiKey, _options.Auth.UpstreamApiKey);
            return;
        }

        var store = _store;
        if (store is null)
        {
            return;
        }

        var data = await store.GetProtectedCredentialAsync(job.Id, cancellationToken).ConfigureAwait(false);
        if (data is not null && _vault.Unprotect(data) is { } credential)
        {
            request.Headers.TryAddWithoutValidation(credential.Name, credential.Value);
        }
    }
}
