using System.ComponentModel.DataAnnotations;
using Breakwater.Gateway.Features.Auth;
using Breakwater.Gateway.Features.Incidents;
using Breakwater.Gateway.Features.Jobs;
using Breakwater.Gateway.Features.Proxy;
using Microsoft.Extensions.Configuration;

namespace Breakwater.Gateway;

/// <summary>
/// Everything the gateway can be told. Bound from the configuration root (appsettings.json, <c>--config FILE</c>,
/// environment variables <c>BREAKWATER__*</c>, flags), validated at start with one message listing every problem.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>The default port. 8529.</summary>
    public const int DefaultPort = 8529;

    /// <summary>The largest body accepted on the pipeline routes: 32 MB, the Messages API's own limit.</summary>
    public const long DefaultMaxBodyBytes = 32L * 1024 * 1024;

    /// <summary>The default of <see cref="MaxModelNameLength"/>: 256.</summary>
    public const int DefaultMaxModelNameLength = 256;

    /// <summary>The address Kestrel listens on. Default <c>127.0.0.1</c>; <c>0.0.0.0</c> or <c>::</c> for every interface.</summary>
    [Required]
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The port Kestrel listens on; 0 picks a free one. Default 8529.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = DefaultPort;

    /// <summary>
    /// The only upstream the gateway ever contacts (never a host taken from a request). Default <c>https://api.anthropic.com</c>.
    /// A path prefix is kept (for example <c>http://127.0.0.1:9000/anthropic</c>).
    /// </summary>
    [Required]
    public string Upstream { get; set; } = "https://api.anthropic.com";

    /// <summary>The largest request body accepted on <c>/v1/messages</c> and <c>/v1/messages/count_tokens</c>. Default 32 MB (33,554,432).</summary>
    [Range(1, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>The largest request body forwarded on every other <c>/v1/*</c> route (batches take up to 256 MB). Default 256 MB (268,435,456).</summary>
    [Range(1, long.MaxValue)]
    public long MaxForwardBodyBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// The longest <c>model</c> accepted on the pipeline routes; a longer one (or one with a character outside
    /// <c>A-Z a-z 0-9 . _ : @ / -</c>) is answered 400 <c>invalid_request_error</c>. Default 256.
    /// </summary>
    [Range(16, 4096)]
    public int MaxModelNameLength { get; set; } = DefaultMaxModelNameLength;

    /// <summary>
    /// A request whose body (and credential) repeats one seen within this window is treated as the client's own retry,
    /// so it draws on the retry budget instead of starting fresh (Claude Code sends <c>x-stainless-retry-count: 0</c> on every attempt).
    /// <see cref="TimeSpan.Zero"/> turns the check off. Default 2 minutes.
    /// </summary>
    public TimeSpan ClientRetryWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many distinct recent requests are remembered for <see cref="ClientRetryWindow"/>. Default 100,000.</summary>
    [Range(0, 10_000_000)]
    public int ClientRetryMemory { get; set; } = 100_000;

    /// <summary>Retries of an idempotent forwarded request (GET, HEAD, OPTIONS) whose connection failed before any answer. Default 2.</summary>
    [Range(0, 10)]
    public int ForwardConnectRetries { get; set; } = 2;

    /// <summary>The wait before each of <see cref="ForwardConnectRetries"/>. Default 250 ms.</summary>
    public TimeSpan ForwardConnectRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a forwarded (non-pipeline) request may wait for the upstream's response headers. Default 10 minutes.</summary>
    public TimeSpan ForwardTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// For a client that asked for a stream (<c>"stream": true</c>) on <c>/v1/messages</c>: after this long waiting
    /// for the upstream with nothing to send, the gateway commits to <c>200</c> + <c>text/event-stream</c> and sends
    /// <c>event: ping</c> at this interval until the answer comes. From then on a failure can only be an
    /// <c>event: error</c> (no status, no <c>retry-after</c>, no response headers). Not used with
    /// <c>breakwater-defer</c> (its answer is a 202). <see cref="TimeSpan.Zero"/> turns it off. Default 10 s.
    /// </summary>
    public TimeSpan StreamKeepAlive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a connection attempt to the upstream may take. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most upstream connections open at once for calls that are not streams (JSON Messages calls, count_tokens,
    /// forwarded routes). 0, the default, sets no cap: the adaptive concurrency limit is the bound. Over HTTP/1.1 every
    /// call in flight holds a connection, so a cap must exceed <c>Breakwater:Concurrency:MaxLimit</c> or admitted calls
    /// wait inside the pool (a warning at start says so).
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxConnectionsPerServer { get; set; }

    /// <summary>
    /// The most upstream connections open at once for streaming Messages calls, a pool of their own so that open streams
    /// never take the connections of short calls. 0, the default, sets no cap. Over HTTP/1.1 each open stream holds a
    /// connection until it ends: a cap below <c>Breakwater:Concurrency:MaxLimit</c> makes streams past it wait.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MaxStreamConnections { get; set; }

    /// <summary>
    /// The HTTP version spoken to the upstream. <see cref="UpstreamHttpVersion.Auto"/> (the default): HTTP/2 over TLS
    /// when the upstream offers it, HTTP/1.1 otherwise and to a plain <c>http://</c> upstream;
    /// <see cref="UpstreamHttpVersion.Http11"/>; <see cref="UpstreamHttpVersion.Http2"/>, which over plain http means
    /// h2c with prior knowledge.
    /// </summary>
    public UpstreamHttpVersion UpstreamHttpVersion { get; set; }

    /// <summary>How long a pooled upstream connection lives, so DNS changes are picked up. Default 2 minutes.</summary>
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Who authenticates clients and with which key the upstream is called.</summary>
    [Required]
    public GatewayAuthOptions Auth { get; set; } = new();

    /// <summary>
    /// The pipeline (retry plans, budget, deadlines, hold-back); the section <c>Breakwater</c>. Its <c>Name</c> defaults
    /// to <c>gateway</c> here, and <c>Concurrency:MinLimit</c> to 4: the gateway is one client for all its callers, so
    /// one call meeting a storm at idle must not leave the limit at a single slot.
    /// </summary>
    [Required]
    public BreakwaterOptions Breakwater { get; set; } = new() { Name = "gateway", Concurrency = { MinLimit = 4 } };

    /// <summary>The incident journal, bound from <c>Breakwater:Journal</c> (next to the pipeline's settings). On by default.</summary>
    [Required]
    [ConfigurationKeyName("Breakwater:Journal")]
    public GatewayJournalOptions Journal { get; set; } = new();

    /// <summary>The status page watched for incidents, bound from <c>Breakwater:StatusPage</c>. On by default.</summary>
    [Required]
    [ConfigurationKeyName("Breakwater:StatusPage")]
    public GatewayStatusPageOptions StatusPage { get; set; } = new();

    /// <summary>Durable deferral (<c>breakwater-defer</c>), bound from <c>Breakwater:Deferral</c>. On by default; the database is created on first use.</summary>
    [Required]
    [ConfigurationKeyName("Breakwater:Deferral")]
    public GatewayDeferralOptions Deferral { get; set; } = new();
}
