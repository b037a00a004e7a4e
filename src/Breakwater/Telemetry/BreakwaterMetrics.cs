using System.Diagnostics.Metrics;

namespace Breakwater.Telemetry;

/// <summary>
/// The instruments of one <c>Meter("Breakwater")</c>, made through <see cref="IMeterFactory"/> when there is one (so
/// each DI container, and each parallel test, has its own meter; listeners match meters by name, so exporters see
/// them all). Tags never carry a credential.
/// </summary>
internal sealed class BreakwaterMetrics : IDisposable
{
    public const string MeterName = BreakwaterMeter.Name;

    private readonly bool _ownsMeter;

    /// <param name="factory">Where the meter comes from; null: a meter of its own, disposed with this.</param>
    /// <param name="models">Every (client, model)'s gauges, read when the observable gauges are collected.</param>
    public BreakwaterMetrics(IMeterFactory? factory, Func<IEnumerable<ModelGauge>> models)
    {
        _ownsMeter = factory is null;
        Meter = BreakwaterMeter.Create(factory);
        Attempts = Meter.CreateCounter<long>("breakwater.attempts", "{attempt}", "Upstream attempts.");
        Failures = Meter.CreateCounter<long>("breakwater.failures", "{attempt}", "Failed upstream attempts by kind and model.");
        Retries = Meter.CreateCounter<long>("breakwater.retries", "{retry}", "Retries scheduled.");
        BudgetExhausted = Meter.CreateCounter<long>("breakwater.budget.exhausted", "{retry}", "Retries refused by the retry budget.");
        GiveUps = Meter.CreateCounter<long>("breakwater.giveups", "{call}", "Calls that gave up, by reason.");
        Fallbacks = Meter.CreateCounter<long>("breakwater.fallbacks", "{call}", "Model fallbacks.");
        AttemptDuration = Meter.CreateHistogram<double>("breakwater.attempt.duration", "s", "Upstream attempt duration until response headers (streams: first delta).");
        Meter.CreateObservableGauge("breakwater.concurrency.limit", () => Measure(models, static m => m.Limit), "{request}", "Adaptive concurrency limit per model.");
        Meter.CreateObservableGauge("breakwater.concurrency.in_flight", () => Measure(models, static m => m.InFlight), "{request}", "Upstream attempts in flight per model.");
        Meter.CreateObservableGauge("breakwater.concurrency.queued", () => Measure(models, static m => m.Queued), "{request}", "Calls waiting for a concurrency slot per model.");
        Meter.CreateObservableGauge("breakwater.throttle.probability", () => Measure(models, static m => m.ThrottleProbability), "1", "Probability that a call is rejected locally by adaptive throttling, per model.");
        Meter.CreateObservableGauge("breakwater.breaker.state", () => Measure(models, static m => m.BreakerState), "{state}", "Circuit breaker state per model: 0 closed, 1 half-open, 2 open, 3 isolated.");
    }

    public Meter Meter { get; }

    /// <summary>Every upstream attempt, tagged client, model, outcome (failure kind or <c>success</c>), status.</summary>
    public Counter<long> Attempts { get; }

    /// <summary>Failed attempts, tagged client, model, kind.</summary>
    public Counter<long> Failures { get; }

    /// <summary>Retries scheduled, tagged client, model, kind.</summary>
    public Counter<long> Retries { get; }

    /// <summary>Retries refused because the client's budget was empty, tagged client.</summary>
    public Counter<long> BudgetExhausted { get; }

    /// <summary>Calls that ended in a failure, tagged client, model, reason.</summary>
    public Counter<long> GiveUps { get; }

    /// <summary>Fallbacks to another model, tagged client, from, to.</summary>
    public Counter<long> Fallbacks { get; }

    /// <summary>Attempt duration until the response (or first delta), seconds.</summary>
    public Histogram<double> AttemptDuration { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    private static IEnumerable<Measurement<T>> Measure<T>(Func<IEnumerable<ModelGauge>> models, Func<ModelGauge, T> read)
        where T : struct
    {
        foreach (var model in models())
        {
            yield return new Measurement<T>(read(model),
                new KeyValuePair<string, object?>("client", model.Client),
                new KeyValuePair<string, object?>("model", string.IsNullOrEmpty(model.Model) ? "(none)" : model.Model));
        }
    }
}
