using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Breakwater.Telemetry;
using Polly.CircuitBreaker;

namespace Breakwater.State;

/// <summary>
/// Singleton home of all client state, keyed by client name (and inside, by model), so that IHttpClientFactory's
/// handler rotation never resets a budget, a breaker or a limit. Owns the instruments its clients report on.
/// </summary>
internal sealed class BreakwaterRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, ClientState> _clients = new(StringComparer.Ordinal);

    /// <param name="time">The clock every client's state runs on.</param>
    /// <param name="meterFactory">Where the <c>Breakwater</c> meter comes from; null: a meter of its own.</param>
    public BreakwaterRegistry(TimeProvider time, IMeterFactory? meterFactory = null)
    {
        Time = time;
        Metrics = new BreakwaterMetrics(meterFactory, Gauges);
    }

    public TimeProvider Time { get; }

    public BreakwaterMetrics Metrics { get; }

    public ClientState Get(BreakwaterOptions options) =>
        _clients.GetOrAdd(options.Name, static (name, s) => new ClientState(name, s.options, s.registry.Time, s.registry.Metrics), (options, registry: this));

    public IEnumerable<ClientState> Clients => _clients.Values;

    public void Dispose() => Metrics.Dispose();

    private IEnumerable<ModelGauge> Gauges()
    {
        foreach (var client in _clients.Values)
        {
            foreach (var model in client.Models)
            {
                // Gauges only for models with a metric name of their own; the rest are counted as "other" by the counters.
                if (!ReferenceEquals(client.Labels.Of(model.Model), model.Model))
                {
                    continue;
                }

                yield return new ModelGauge(client.Name, model.Model, model.Limiter.Limit, model.Limiter.InFlight, model.Limiter.Queued,
                    model.Throttle.RejectProbability, BreakerValue(model.BreakerState));
            }
        }
    }

    internal static int BreakerValue(CircuitState state) => state switch
    {
        CircuitState.HalfOpen => 1,
        CircuitState.Open => 2,
        CircuitState.Isolated => 3,
        _ => 0,
    };
}
