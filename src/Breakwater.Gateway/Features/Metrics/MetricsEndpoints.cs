using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Breakwater.Gateway.Features.Metrics;

/// <summary>
/// The seam for <c>GET /metrics</c> (Prometheus text from the <c>Breakwater</c> meter). Not built yet: both methods are
/// called by <see cref="GatewayAppBuilder"/> already, so wiring the exporter needs no change outside this folder.
/// </summary>
internal static class MetricsEndpoints
{
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints) => endpoints;
}
