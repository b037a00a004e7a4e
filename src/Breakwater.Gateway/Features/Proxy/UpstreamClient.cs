using Breakwater.State;
using System.Net;
using Breakwater.Telemetry;
using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>
/// The gateway is ONE client: one set of connection pools, and one pipeline handler shared by every request, so that
/// budgets, breakers and limits see all traffic. Forwarded routes use the same pools without the pipeline. Streams and
/// calls have a pool each (<see cref="UpstreamPools"/>); neither is capped by default.
/// </summary>
internal sealed class UpstreamClient : IDisposable
{
    private readonly UpstreamPools _pools;

    public UpstreamClient(GatewayOptions options, TimeProvider time, Random random, ILoggerFactory loggerFactory, IIncidentSink? incidentSink)
    {
        BaseAddress = new Uri(options.Upstream.TrimEnd('/') + "/", UriKind.Absolute);
        var protocol = UpstreamProtocol.For(BaseAddress, options.UpstreamHttpVersion);
        _pools = new UpstreamPools(CreateSockets(options, options.MaxConnectionsPerServer), CreateSockets(options, options.MaxStreamConnections), protocol);
        WarnAboutCaps(options, protocol, loggerFactory.CreateLogger<UpstreamClient>());

        Forwarder = new HttpMessageInvoker(_pools, disposeHandler: false);
        #pragma warning disable CA2000 // Ownership moves to Pipeline: HttpMessageInvoker(handler, disposeHandler: true) disposes it, and Dispose disposes Pipeline.
        var handler = CreatePipelineHandler(options.Breakwater, time, random, loggerFactory, incidentSink, _pools);
        #pragma warning restore CA2000
        State = handler.Pipeline.Client;
        Pipeline = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>The pipeline's shared state (budget, per-model breaker, limit, throttle), read by the dashboard and /metrics.</summary>
    internal ClientState State { get; }

    /// <summary>The upstream base, always ending in '/'.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Through the Breakwater pipeline: retries, budget, hold-back.</summary>
    public HttpMessageInvoker Pipeline { get; }

    /// <summary>Straight to the upstream: forwarded routes, never retried by the pipeline.</summary>
    public HttpMessageInvoker Forwarder { get; }

    public void Dispose()
    {
        Pipeline.Dispose();
        Forwarder.Dispose();
        _pools.Dispose();
    }

    /// <summary>The two connection pools and the version they speak (read by tests).</summary>
    internal UpstreamPools Pools => _pools;

    /// <summary>One pool: <paramref name="cap"/> connections at most, 0 for no cap (the adaptive concurrency limit is then the bound).</summary>
    private static SocketsHttpHandler CreateSockets(GatewayOptions options, int cap) => new()
    {
        // Bodies pass through byte for byte; the pipeline reads error bodies and SSE itself.
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        MaxConnectionsPerServer = cap > 0 ? cap : int.MaxValue,
        PooledConnectionLifetime = options.PooledConnectionLifetime,
        ConnectTimeout = options.ConnectTimeout,
        // HTTP/2: past the upstream's streams-per-connection limit (100 at most servers), open another connection
        // instead of queueing the request behind the streams of the first.
        EnableMultipleHttp2Connections = true,
        // No DiagnosticsHandler: the gateway is a transparent hop, so a client's own trace headers pass through
        // untouched, and no Activity (with its tags) is made per upstream call. It was ~10 % of the allocations
        // per proxied request.
        ActivityHeadersPropagator = null,
    };

    /// <summary>
    /// Over HTTP/1.1 every call in flight holds a connection: a cap below the concurrency limit lets calls the limiter
    /// admitted wait unseen inside the pool (the head-of-line blocking this sizing exists to avoid). Said at start.
    /// </summary>
    private static void WarnAboutCaps(GatewayOptions options, UpstreamProtocol protocol, ILogger logger)
    {
        var concurrency = options.Breakwater.Concurrency;
        if (!protocol.MayUseHttp11 || !concurrency.Enabled)
        {
            return;
        }

        if (options.MaxStreamConnections > 0 && options.MaxStreamConnections < concurrency.MaxLimit)
        {
            UpstreamPoolLog.CapBelowLimit(logger, nameof(GatewayOptions.MaxStreamConnections), options.MaxStreamConnections, concurrency.MaxLimit);
        }

        if (options.MaxConnectionsPerServer > 0 && options.MaxConnectionsPerServer < concurrency.MaxLimit)
        {
            UpstreamPoolLog.CapBelowLimit(logger, nameof(GatewayOptions.MaxConnectionsPerServer), options.MaxConnectionsPerServer, concurrency.MaxLimit);
        }
    }

    private static BreakwaterHandler CreatePipelineHandler(BreakwaterOptions options, TimeProvider time, Random random, ILoggerFactory loggerFactory, IIncidentSink? incidentSink, HttpMessageHandler inner) =>
        new BreakwaterHandler(options, time, random, loggerFactory, incidentSink) { InnerHandler = inner };
}
