using Breakwater.Status;
using Microsoft.AspNetCore.Http;

namespace Breakwater.Gateway.Features.Incidents;

/// <summary>
/// Adds <c>breakwater-incident: &lt;link&gt;</c> to failed <c>/v1</c> responses while the status page shows an open
/// incident, so that applications can tell their users the failure is platform-wide. Reads only the monitor's
/// last poll: a response never waits on the status page.
/// </summary>
internal sealed class IncidentHeaderMiddleware(RequestDelegate next, StatusPageMonitor monitor)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.OnStarting(static state =>
            {
                var (response, monitor) = ((HttpResponse, StatusPageMonitor))state;
                if (IsPlatformFailure(response.StatusCode) && monitor.ActiveIncidentLink is { } link)
                {
                    response.Headers[BreakwaterHeaders.Incident] = link;
                }

                return Task.CompletedTask;
            }, (context.Response, monitor));
        }

        return next(context);
    }

    /// <summary>
    /// The failures an incident can explain: overloads, server errors and 429s (Anthropic lowers acceleration limits
    /// during incidents). A 4xx of the caller's own request is never the platform's doing.
    /// </summary>
    internal static bool IsPlatformFailure(int status) => status is 429 or >= 500;
}
