using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>The /v1 routes: the two Messages routes through the pipeline, every other /v1 path forwarded as is.</summary>
internal static class ProxyEndpoints
{
    public static IEndpointRouteBuilder MapProxy(this IEndpointRouteBuilder endpoints)
    {
        // Plain RequestDelegates over the singletons: a handler with parameters to bind would open a DI scope (and
        // run the generated binder) on every request just to hand over the same instance.
        var messages = endpoints.ServiceProvider.GetRequiredService<MessagesProxy>();
        var forward = endpoints.ServiceProvider.GetRequiredService<ForwardProxy>();
        endpoints.MapPost("/v1/messages", messages.HandleAsync);
        endpoints.MapPost("/v1/messages/count_tokens", messages.HandleAsync);
        endpoints.Map("/v1/{**rest}", forward.HandleAsync);
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
