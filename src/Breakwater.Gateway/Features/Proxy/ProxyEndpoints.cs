using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>The /v1 routes: the two Messages routes through the pipeline, every other /v1 path forwarded as is.</summary>
internal static class ProxyEndpoints
{
    public static IEndpointRouteBuilder MapProxy(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/messages", (HttpContext context, MessagesProxy proxy) => proxy.HandleAsync(context));
        endpoints.MapPost("/v1/messages/count_tokens", (HttpContext context, MessagesProxy proxy) => proxy.HandleAsync(context));
        endpoints.Map("/v1/{**rest}", (HttpContext context, ForwardProxy proxy) => proxy.HandleAsync(context));
        return endpoints;
    }

    public static IServiceCollection AddProxy(this IServiceCollection services)
    {
        services.AddSingleton<ClientRetryDetector>();
        services.AddSingleton<MessagesProxy>();
        services.AddSingleton<ForwardProxy>();
        return services;
    }
}
