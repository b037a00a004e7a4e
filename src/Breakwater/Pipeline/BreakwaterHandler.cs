using System.Diagnostics.Metrics;
using Breakwater.Pipeline;
using Breakwater.State;
using Breakwater.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Breakwater;

/// <summary>
/// A <see cref="DelegatingHandler"/> that makes Anthropic API calls survive overload: it classifies every failure,
/// retries each kind by its own plan within a client-wide budget and a deadline, holds streams back until their first
/// delta, and reports why a call stopped in <c>breakwater-*</c> response headers. Works in any HttpClient and in the
/// official SDK's <c>ClientOptions.Handlers</c> (set the SDK's <c>MaxRetries = 0</c> so retries don't stack).
/// </summary>
public sealed class BreakwaterHandler : DelegatingHandler
{
    private readonly BreakwaterPipeline _pipeline;
    private readonly BreakwaterRegistry? _ownedRegistry;

    // Made once: a method group passed per call is a new delegate per call.
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _send;

    /// <summary>Creates the handler with its own state (budget, health). Use <c>AddBreakwater()</c> to share state across handler instances.</summary>
    /// <param name="options">The settings; validated here (every problem listed in one exception).</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="random">The jitter source; default <see cref="Random.Shared"/>.</param>
    /// <param name="loggerFactory">Where attempts are logged; default none.</param>
    /// <param name="incidentSink">Where failed attempts are journaled; default none.</param>
    /// <param name="meterFactory">Where the <c>Breakwater</c> meter comes from; default a meter of the handler's own, disposed with it.</param>
    public BreakwaterHandler(BreakwaterOptions? options = null, TimeProvider? timeProvider = null, Random? random = null, ILoggerFactory? loggerFactory = null, IIncidentSink? incidentSink = null, IMeterFactory? meterFactory = null)
        : this(new BreakwaterRegistry(timeProvider ?? TimeProvider.System, meterFactory), options ?? new BreakwaterOptions(), random, loggerFactory, incidentSink, ownsRegistry: true)
    {
    }

    internal BreakwaterHandler(BreakwaterRegistry registry, BreakwaterOptions options, Random? random, ILoggerFactory? loggerFactory, IIncidentSink? incidentSink, bool ownsRegistry = false)
    {
        // A handler made on its own owns its state and meter; one made by AddBreakwater() shares the container's.
        _ownedRegistry = ownsRegistry ? registry : null;
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(options.Name, typeof(BreakwaterOptions), problems);
        }

        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Breakwater");
        _pipeline = new BreakwaterPipeline(registry.Get(options), random, logger, incidentSink);
        _send = base.SendAsync;
    }

    internal BreakwaterPipeline Pipeline => _pipeline;

    /// <summary>A snapshot of every model this handler's client has called: breaker, concurrency limit, queue, throttle.</summary>
    public IReadOnlyList<Health.ModelHealth> GetHealth() => HealthSnapshot.Of(_pipeline.Client);

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _pipeline.SendAsync(request, _send, cancellationToken);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedRegistry?.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();
}
