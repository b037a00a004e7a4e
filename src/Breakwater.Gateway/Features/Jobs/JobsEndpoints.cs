using Breakwater.Anthropic;
using Breakwater.Gateway.Features.Proxy;
using Breakwater.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Breakwater.Gateway.Features.Jobs;

/// <summary><c>GET /v1/breakwater/jobs/{id}</c> and the deferral services.</summary>
internal static class JobsEndpoints
{
    public static IServiceCollection AddGatewayDeferral(this IServiceCollection services, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<CredentialVault>();
        services.AddSingleton<DeferralRuntime>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<DeferralRuntime>());
        services.AddSingleton<DeferralGate>();
        return services;
    }

    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/breakwater/jobs/{id}", (HttpContext context, string id, DeferralRuntime runtime) => GetAsync(context, id, runtime));
        return endpoints;
    }

    private static async Task GetAsync(HttpContext context, string id, DeferralRuntime runtime)
    {
        var owner = DeferralGate.OwnerOf(context.Request);
        var store = await runtime.GetStoreAsync(create: false, context.RequestAborted);
        var job = owner == "anonymous" || store is null ? null : await store.GetAsync(owner, id, context.RequestAborted);
        if (job is null)
        {
            await GatewayErrors.WriteAsync(context, StatusCodes.Status404NotFound, AnthropicErrorTypes.NotFound, "No such job for this credential.");
            return;
        }

        var response = context.Response;
        response.Headers["breakwater-job-id"] = job.Id;
        response.Headers["breakwater-job-state"] = JobJson.StateName(job.State);
        if (job.Response is not { } upstream)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            await response.Body.WriteAsync(JobJson.Serialize(job), context.RequestAborted);
            return;
        }

        // Done: the Messages API response as the upstream returned it (status, headers, body).
        response.StatusCode = upstream.StatusCode;
        foreach (var group in upstream.Headers.GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase))
        {
            // The stored length may not match what Kestrel writes; hop-by-hop headers belonged to the worker's connection.
            if (string.Equals(group.Key, "content-length", StringComparison.OrdinalIgnoreCase) || HeaderRules.IsHopByHop(group.Key))
            {
                continue;
            }

            response.Headers[group.Key] = group.Select(h => h.Value).ToArray();
        }

        response.ContentLength = upstream.Body.Length;
        await response.Body.WriteAsync(upstream.Body, context.RequestAborted);
    }
}
