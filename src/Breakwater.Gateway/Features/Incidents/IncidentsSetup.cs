using Breakwater.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Features.Incidents;

/// <summary>Wires the incident journal and the status page monitor into the gateway (both on by default).</summary>
internal static class IncidentsSetup
{
    public static IEnumerable<string> Validate(GatewayOptions options)
    {
        var problems = new List<string>();
        OptionsProblems.AddAnnotations(options.Journal, "Breakwater:Journal", problems);
        OptionsProblems.AddAnnotations(options.StatusPage, "Breakwater:StatusPage", problems);
        if (options.StatusPage.BaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            problems.Add($"Breakwater:StatusPage:BaseUrl must be an absolute http or https URL (is '{url}').");
        }

        return problems;
    }

    public static IServiceCollection AddGatewayIncidents(this IServiceCollection services, GatewayOptions options)
    {
        if (options.Journal.Enabled)
        {
            var journal = options.Journal.ToJournalOptions();
            services.AddBreakwaterJournal(o =>
            {
                o.Path = journal.Path;
                o.MaxAge = journal.MaxAge;
                o.MaxRows = journal.MaxRows;
            });
        }

        if (options.StatusPage.Enabled)
        {
            services.AddSingleton(sp => new StatusPageClient(
                options.StatusPage.ToStatusPageOptions(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<StatusPageClient>>()));
            services.AddSingleton(sp => new StatusPageMonitor(
                sp.GetRequiredService<StatusPageClient>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<StatusPageMonitor>>()));
            services.AddHostedService<StatusPageMonitorService>();
        }

        return services;
    }

    public static IApplicationBuilder UseGatewayIncidents(this IApplicationBuilder app, GatewayOptions options) =>
        options.StatusPage.Enabled ? app.UseMiddleware<IncidentHeaderMiddleware>() : app;
}
