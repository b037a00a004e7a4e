using System.Diagnostics.Metrics;
using Breakwater.Gateway.Features.Dashboard;
using Breakwater.Gateway.Features.Proxy;
using Breakwater.Pipeline;
using Breakwater.Telemetry;
using Polly.CircuitBreaker;

namespace Breakwater.Gateway.Features.Metrics;

/// <summary>
/// The per-model state of this gateway as observable gauges on a <c>Breakwater</c> meter owned by the gateway's
/// container (so the gauges go away with the gateway): concurrency limit, in flight, queued, throttle probability,
/// breaker state (0 closed, 1 half-open, 2 open, 3 isolated).
/// </summary>
internal sealed class GatewayGauges : IDisposable
{
    private readonly Meter _meter;

    public GatewayGauges(IMeterFactory meterFactory, UpstreamClient upstream)
    {
        _meter = meterFactory.Create(new MeterOptions(BreakwaterMetrics.MeterName));
        var state = upstream.State;
        _meter.CreateObservableGauge("breakwater.concurrency.limit", () => Measure(state, m => m.Limiter.Limit), "{request}", "Adaptive concurrency limit per model.");
        _meter.CreateObservableGauge("breakwater.concurrency.in_flight", () => Measure(state, m => m.Limiter.InFlight), "{request}", "Upstream attempts in flight per model.");
        _meter.CreateObservableGauge("breakwater.concurrency.queued", () => Measure(state, m => m.Limiter.Queued), "{request}", "Calls waiting for a concurrency slot per model.");
        _meter.CreateObservableGauge("breakwater.throttle.probability", () => Measure(state, m => m.Throttle.RejectProbability), "1", "Probability that a call is rejected locally by adaptive throttling, per model.");
        _meter.CreateObservableGauge("breakwater.breaker.state", () => Measure(state, m => BreakerValue(m.BreakerState)), "{state}", "Circuit breaker state per model: 0 closed, 1 half-open, 2 open, 3 isolated.");
    }

    public void Dispose() => _meter.Dispose();

    internal static int BreakerValue(CircuitState state) => state switch
    {
        CircuitState.HalfOpen => 1,
        CircuitState.Open => 2,
        CircuitState.Isolated => 3,
        _ => 0,
    };

    private static IEnumerable<Measurement<T>> Measure<T>(ClientState state, Func<ModelState, T> read)
        where T : struct
    {
        foreach (var model in state.Models)
        {
            yield return new Measurement<T>(read(model),
                new KeyValuePair<string, object?>("client", state.Name),
                new KeyValuePair<string, object?>("model", string.IsNullOrEmpty(model.Model) ? "(none)" : model.Model),
                new KeyValuePair<string, object?>("breaker", DashboardStateBuilder.BreakerName(model.BreakerState)));
        }
    }
}
