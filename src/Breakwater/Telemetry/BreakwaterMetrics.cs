using System.Diagnostics.Metrics;

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

    /// <summary>Attempt duration until the response (or first delta), seconds.</summary>
    public static readonly Histogram<double> AttemptDuration = Meter.CreateHistogram<double>("breakwater.attempt.duration", "s", "Upstream attempt duration until response headers (streams: first delta).");
}
