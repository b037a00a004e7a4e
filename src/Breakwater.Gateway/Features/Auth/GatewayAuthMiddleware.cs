using Breakwater.Anthropic;
using Breakwater.Gateway.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Features.Auth;

/// <summary>Managed mode: every <c>/v1/*</c> request must present a gateway key; otherwise 401 authentication_error.</summary>
internal sealed class GatewayAuthMiddleware
{
    private readonly RequestDelegate _next;
    private readonly GatewayKeyVerifier _verifier;
    private readonly ILogger<GatewayAuthMiddleware> _logger;

    public GatewayAuthMiddleware(RequestDelegate next, GatewayKeyVerifier verifier, ILogger<GatewayAuthMiddleware> logger)
    {
        _next = next;
        _verifier = verifier;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (_verifier.IsAuthorized(context.Request))
        {
            await _next(context);
            return;
        }

        var requestId = GatewayRequestId.New();
        GatewayLog.Rejected(_logger, context.Request.Method, context.Request.Path.Value ?? "", "no valid gateway key", requestId);
        await GatewayErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, AnthropicErrorTypes.Authentication,
            "invalid x-api-key: present a gateway key in x-api-key or Authorization: Bearer.", requestId);
    }
}
