using Breakwater.Anthropic;
using Breakwater.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>
/// The /v1 routes: the two Messages routes through the pipeline, every other /v1 path forwarded as is. Another method
/// on a Messages path is 405; another spelling of one (case, trailing or doubled slashes, <c>%2F</c>) goes through
/// the pipeline to the exact path; one with path parameters (<c>;x</c>) is 400; TRACE, TRACK and CONNECT are 405
/// everywhere. Nothing reaches the upstream's Messages endpoints around the pipeline.
/// </summary>
internal static class ProxyEndpoints
{
    /// <summary>The methods refused on every route: they echo the request (headers, a managed key) or open tunnels.</summary>
    private static readonly string[] RefusedEverywhere = ["TRACE", "TRACK", "CONNECT"];

    private const string ForwardedMethods = "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE";

    public static IEndpointRouteBuilder MapProxy(this IEndpointRouteBuilder endpoints)
    {
        // Plain RequestDelegates over the singletons: a handler with parameters to bind would open a DI scope (and
        // run the generated binder) on every request just to hand over the same instance.
        var messages = endpoints.ServiceProvider.GetRequiredService<MessagesProxy>();
        var forward = endpoints.ServiceProvider.GetRequiredService<ForwardProxy>();
        endpoints.MapPost("/v1/messages", context => messages.HandleAsync(context, MessagesRoute.Messages));
        endpoints.MapPost("/v1/messages/count_tokens", context => messages.HandleAsync(context, MessagesRoute.CountTokens));
        endpoints.Map("/v1/{**rest}", context => DispatchAsync(context, messages, forward));
        return endpoints;
    }

    public static IServiceCollection AddProxy(this IServiceCollection services)
    {
        services.AddSingleton<ClientRetryDetector>();
        services.AddSingleton<MessagesProxy>();
        services.AddSingleton<ForwardProxy>();
        return services;
    }

    /// <summary>Everything the two POST routes did not take.</summary>
    internal static Task DispatchAsync(HttpContext context, MessagesProxy messages, ForwardProxy forward)
    {
        var request = context.Request;
        var method = request.Method;
        if (Array.Exists(RefusedEverywhere, m => string.Equals(m, method, StringComparison.OrdinalIgnoreCase)))
        {
            return MethodNotAllowedAsync(context, ForwardedMethods);
        }

        var route = MessagesPaths.Match(request.Path.Value ?? "", out var hasParameters);
        if (route == MessagesRoute.None)
        {
            return forward.HandleAsync(context);
        }

        if (!HttpMethods.IsPost(method))
        {
            return MethodNotAllowedAsync(context, "POST");
        }

        if (hasParameters)
        {
            return GatewayErrors.WriteAsync(context, StatusCodes.Status400BadRequest, AnthropicErrorTypes.InvalidRequest,
                $"Path parameters (;) are not accepted on {MessagesPaths.Canonical(route)}.");
        }

        // Another spelling of a Messages path: the pipeline, and the upstream sees the exact path.
        return messages.HandleAsync(context, route);
    }

    private static Task<string> MethodNotAllowedAsync(HttpContext context, string allow)
    {
        context.Response.Headers[HeaderNames.Allow] = allow;
        return GatewayErrors.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, AnthropicErrorTypes.InvalidRequest,
            $"Method {Printable(context.Request.Method)} is not allowed on {Printable(context.Request.Path.Value ?? "")}; allowed: {allow}.");
    }

    private static string Printable(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "...");
}
