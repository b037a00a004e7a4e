using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// One logical request of a benchmark run, drawn from the seed before any policy runs, so that every policy and the
/// oracle see the same arrival, the same service-time quantile and the same output length.
/// </summary>
internal sealed record PlannedRequest
{
    public required int Index { get; init; }

    public required int Client { get; init; }

    /// <summary>Arrival, in scenario seconds.</summary>
    public required double ArrivalSeconds { get; init; }

    public required ScenarioModel Model { get; init; }

    public required bool Stream { get; init; }

    /// <summary>Standard-normal quantile of the service time: the same draw maps to each model's own lognormal, so a fallback is served at that model's speed.</summary>
    public required double ServiceZ { get; init; }

    public required int OutputTokens { get; init; }

    public int MaxTokens { get; init; } = 1024;

    /// <summary>May wait for a deferred job (scenarios with a <c>deferral</c> section only).</summary>
    public bool Deferrable { get; init; }

    /// <summary>The service time this request would take on <paramref name="model"/>.</summary>
    public TimeSpan ServiceTimeOn(ScenarioModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var sigma = model.ServiceSigma;
        var seconds = sigma <= 0 ? model.ServiceMeanSeconds : Math.Exp(Math.Log(model.ServiceMeanSeconds) - (sigma * sigma / 2.0) + (sigma * ServiceZ));
        return TimeSpan.FromTicks(Math.Max(1, (long)Math.Round(seconds * TimeSpan.TicksPerSecond)));
    }
}
