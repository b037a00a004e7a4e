using System.Text.Json;
using System.Text.Json.Serialization;
using Breakwater.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>
/// The live dashboard: <c>GET /</c> (the page), <c>GET /breakwater/dashboard.css|.js</c> (its embedded assets) and
/// <c>GET /breakwater/state</c> (the JSON the page polls every 2 s). A strict Content-Security-Policy keeps the page
/// from contacting anything but this gateway.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>Only this origin: no CDN, no web font, no inline script, no frame.</summary>
    internal const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        // Created with the app, so "up since" is the gateway's start rather than the first dashboard visit.
        endpoints.ServiceProvider.GetRequiredService<DashboardStateBuilder>();
        endpoints.MapGet("/", (HttpContext context) => Asset(context, "index.html"));
        endpoints.MapGet("/breakwater/dashboard.css", (HttpContext context) => Asset(context, "dashboard.css"));
        endpoints.MapGet("/breakwater/dashboard.js", (HttpContext context) => Asset(context, "dashboard.js"));
        endpoints.MapGet("/breakwater/state", (HttpContext context, DashboardStateBuilder state) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Json(state.Build(), Json);
        });
        return endpoints;
    }

    /// <summary>
    /// Registers the dashboard's services. Call after every other <see cref="IIncidentSink"/> registration: the
    /// dashboard's sink takes their place and passes each record on to all of them.
    /// </summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<TrafficRecorder>();
        services.AddSingleton<DashboardStateBuilder>();

        var inner = services.Where(d => d.ServiceType == typeof(IIncidentSink) && !d.IsKeyedService).ToList();
        foreach (var descriptor in inner)
        {
            services.Remove(descriptor);
        }

        services.AddSingleton<IIncidentSink>(sp => new RecordingIncidentSink(
            sp.GetRequiredService<TrafficRecorder>(),
            inner.Select(d => Resolve(sp, d)).ToList()));
        return services;
    }

    public static IApplicationBuilder UseDashboardTraffic(this IApplicationBuilder app) => app.UseMiddleware<TrafficMiddleware>();

    private static IIncidentSink Resolve(IServiceProvider services, ServiceDescriptor descriptor) =>
        (IIncidentSink)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    private static IResult Asset(HttpContext context, string name)
    {
        if (!DashboardAssets.TryGet(name, out var bytes, out var contentType))
        {
            return Results.NotFound();
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        return Results.Bytes(bytes, contentType);
    }
}
