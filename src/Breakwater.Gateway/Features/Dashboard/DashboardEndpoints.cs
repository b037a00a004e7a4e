using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>
/// The dashboard's routes (<c>GET /</c> and its embedded assets under Features/Dashboard/wwwroot).
/// The live dashboard is built separately; until then <c>GET /</c> says what the gateway is.
/// </summary>
internal static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", () => Results.Content(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Breakwater gateway</title></head>"
            + "<body><h1>Breakwater gateway</h1><p>Set ANTHROPIC_BASE_URL to this address. Health: <a href=\"/healthz\">/healthz</a>.</p></body></html>",
            "text/html; charset=utf-8"));
        return endpoints;
    }
}
