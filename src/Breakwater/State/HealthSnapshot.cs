using Breakwater.Health;

namespace Breakwater.State;

/// <summary>Reads <see cref="ModelHealth"/> from live client state.</summary>
internal static class HealthSnapshot
{
    public static IReadOnlyList<ModelHealth> Of(ClientState client) =>
        client.Models
            .OrderBy(m => m.Model, StringComparer.Ordinal)
            .Select(m => new ModelHealth(
                client.Name,
                m.Model,
                BreakerStates.ToWire(BreakerStates.From(m.BreakerState)),
                m.Limiter.Limit,
                m.Limiter.InFlight,
                m.Limiter.Queued,
                m.Throttle.RejectProbability)
            {
                LastOverloadAt = m.LastOverloadAt,
                LastLimitWaitAt = m.Limiter.LastWaitAt,
            })
            .ToList();

    public static IReadOnlyList<ModelHealth> Of(BreakwaterRegistry registry) =>
        registry.Clients.SelectMany(Of).ToList();
}
