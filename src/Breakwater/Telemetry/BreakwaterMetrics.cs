using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Breakwater.Pipeline;
using Polly.CircuitBreaker;

namespace Breakwater.Telemetry;

/// <summary>The one <c>Meter("Breakwater")</c> and its instruments. Tags never carry a credential.</summary>
internal static class BreakwaterMetrics
{
    public const string MeterName = "Breakwater";

    public static readonly Meter Meter = new(MeterName, typeof(BreakwaterMetrics).Assembly.GetName().Version?.ToString());

    /// <summary>Every upstream attempt, tagged client, model, outcome (failure kind or <c>success</c>), status.</summary>
    public static readonly Counter<long> Attempts = Meter.CreateCounter<long>("breakwater.attempts", "{attempt}", "Upstream attempts.");

    /// <summary>Failed attempts, tagged client, model, kind.</summary>
    public static readonly Counter<long> Failures = Meter.CreateCounter<long>("breakwater.failures", "{attempt}", "Failed upstream attempts by kind and model.");

    /// <summary>Retries scheduled, tagged client, model, kind.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("breakwater.retries", "{retry}", "Retries scheduled.");

    /// <summary>Retries refused because the client's budget was empty, tagged client.</summary>
    public static readonly Counter<long> BudgetExhausted = Meter.CreateCounter<long>("breakwater.budget.exhausted", "{retry}", "Retries refused by the retry budget.");

    /// <summary>Calls that ended in a failure, tagged client, model, reason.</summary>
    public static readonly Counter<long> GiveUps = Meter.CreateCounter<long>("breakwater.giveups", "{call}", "Calls that gave up, by reason.");

    /// <summary>Fallbacks to another model, tagged client, from, to.</summary>
    public static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>("breakwater.fallbacks", "{call}", "Model fallbacks.");

    /// <summary>Every live client's state, held weakly: the per-model gauges below read it when they are collected.</summary>
    private static readonly ConditionalWeakTable<ClientState, object?> LiveClients = new();

    /// <summary>The adaptive concurrency limit per (client, model).</summary>
    public static readonly ObservableGauge<int> ConcurrencyLimit = Meter.CreateObservableGauge("breakwater.concurrency.limit", () => Measure(m => m.Limiter.Limit), "{request}", "Adaptive concurrency limit per model.");

    /// <summary>Attempts holding a concurrency slot per (client, model).</summary>
    public static readonly ObservableGauge<int> ConcurrencyInFlight = Meter.CreateObservableGauge("breakwater.concurrency.in_flight", () => Measure(m => m.Limiter.InFlight), "{request}", "Upstream attempts in flight per model.");

    /// <summary>Calls waiting for a slot per (client, model).</summary>
    public static readonly ObservableGauge<int> ConcurrencyQueued = Meter.CreateObservableGauge("breakwater.concurrency.queued", () => Measure(m => m.Limiter.Queued), "{request}", "Calls waiting for a concurrency slot per model.");

    /// <summary>The probability of a local rejection per (client, model).</summary>
    public static readonly ObservableGauge<double> ThrottleProbability = Meter.CreateObservableGauge("breakwater.throttle.probability", () => Measure(m => m.Throttle.RejectProbability), "1", "Probability that a call is rejected locally by adaptive throttling, per model.");

    /// <summary>Breaker state per (client, model): 0 closed, 1 half-open, 2 open, 3 isolated.</summary>
    public static readonly ObservableGauge<int> BreakerState = Meter.CreateObservableGauge("breakwater.breaker.state", () => Measure(m => BreakerValue(m.BreakerState)), "{state}", "Circuit breaker state per model: 0 closed, 1 half-open, 2 open, 3 isolated.");

    /// <summary>Registers a client's state for the gauges.</summary>
    public static void Track(ClientState client) => LiveClients.AddOrUpdate(client, null);

    internal static int BreakerValue(CircuitState state) => state switch
    {
        CircuitState.HalfOpen => 1,
        CircuitState.Open => 2,
        CircuitState.Isolated => 3,
        _ => 0,
    };

    private static IEnumerable<Measurement<T>> Measure<T>(Func<ModelState, T> read)
        where T : struct
    {
        foreach (var (client, _) in LiveClients)
        {
            foreach (var model in client.Models)
            {
                yield return new Measurement<T>(read(model),
                    new KeyValuePair<string, object?>("client", client.Name),
                    new KeyValuePair<string, object?>("model", string.IsNullOrEmpty(model.Model) ? "(none)" : model.Model));
            }
        }
    }

    /// <summary>Attempt duration until the response (or first delta), seconds.</summary>
    public static readonly Histogram<double> AttemptDuration = Meter.CreateHistogram<double>("breakwater.attempt.duration", "s", "Upstream attempt duration until response headers (streams: first delta).");
}
