using Breakwater.Gateway.Features.Proxy;
using Breakwater.Health;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Breakwater.Gateway.Features.Health;

/// <summary>
/// Answers that never touch the upstream: <c>GET /healthz</c>, and <c>HEAD /</c> (clients preconnect with it).
/// <c>/healthz</c> is a liveness answer, 200 while the gateway serves, but it says honestly when the gateway is holding
/// calls back: <c>degraded</c>, with the models whose breaker is not closed or whose concurrency limit is shrunk.
/// </summary>
internal static class HealthEndpoints
{
    /// <summary>At most this many degraded models are listed; the rest are counted in <c>more</c>.</summary>
    public const int MaxListed = 32;

    /// <summary>Model names longer than this are cut (they come from callers).</summary>
    public const int MaxNameLength = 128;

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/", [HttpMethods.Head], () => Results.Ok());
        endpoints.MapGet("/healthz", (UpstreamClient upstream) => Results.Json(Status(upstream)));
        return endpoints;
    }

    /// <summary>The gateway's health now: <c>ok</c>, or <c>degraded</c> with the models that are.</summary>
    internal static HealthStatus Status(UpstreamClient upstream)
    {
        var degraded = new List<DegradedModel>();
        var count = 0;
        foreach (var m in upstream.State.Models)
        {
            var breaker = BreakerStates.From(m.BreakerState);
            var limit = m.Limiter.Limit;
            var recovery = m.Limiter.RecoveryLimit;
            if (breaker == BreakerState.Closed && limit >= recovery)
            {
                continue;
            }

            count++;
            if (degraded.Count < MaxListed)
            {
                var name = m.Model.Length > MaxNameLength ? m.Model[..MaxNameLength] : m.Model;
                degraded.Add(new DegradedModel(name, BreakerStates.ToWire(breaker), limit, recovery, m.Limiter.InFlight, m.Limiter.Queued));
            }
        }

        if (count == 0)
        {
            return new HealthStatus("ok");
        }

        degraded.Sort(static (a, b) => string.CompareOrdinal(a.Model, b.Model));
        return new HealthStatus("degraded", degraded, count > degraded.Count ? count - degraded.Count : null);
    }
}
