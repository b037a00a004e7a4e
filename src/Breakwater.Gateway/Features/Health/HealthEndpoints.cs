using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Breakwater.Gateway.Features.Health;

/// <summary>Answers that never touch the upstream: <c>GET /healthz</c>, and <c>HEAD /</c> (clients preconnect with it).</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/", [HttpMethods.Head], () => Results.Ok());
        endpoints.MapGet("/healthz", () => Results.Json(new HealthStatus("ok")));
        return endpoints;
    }
}
