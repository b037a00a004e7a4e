using Breakwater.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Breakwater.Gateway.Features.Metrics;

/// <summary>
/// <c>GET /metrics</c>: every instrument of the <c>Breakwater</c> meter (attempts, failures, retries, fallbacks,
/// give-ups, attempt duration, journal counters, and this gateway's per-model gauges) in Prometheus text format,
/// through OpenTelemetry's Prometheus exporter. Tags never carry a credential.
/// </summary>
internal static class MetricsEndpoints
{
    public const string Path = "/metrics";

    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(BreakwaterMetrics.MeterName)
            // A scrape shows the state of now, not of up to 300 ms ago (the exporter's default cache).
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return services;
    }

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder endpoints)
    {
        // Created with the endpoints so the gauges exist from the first scrape.
        endpoints.MapPrometheusScrapingEndpoint(Path);
        return endpoints;
    }
}
