using Breakwater.Anthropic;
using Microsoft.AspNetCore.Http;

namespace Breakwater.Gateway.Hosting;

/// <summary>Errors the gateway makes itself, in Anthropic's shape so every client already understands them.</summary>
internal static class GatewayErrors
{
    public const string RequestIdHeader = "request-id";

    /// <summary>Writes <c>{"type":"error","error":{...},"request_id":"req_bw_..."}</c> and returns the request id.</summary>
    public static async Task<string> WriteAsync(HttpContext context, int status, string errorType, string message, string? requestId = null)
    {
        requestId ??= GatewayRequestId.New();
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.Headers[RequestIdHeader] = requestId;
        var json = AnthropicErrorWriter.Json(errorType, message, requestId);
        // A length, not chunks: the simplest answer for any client, and the connection can end right after it.
        response.ContentLength = json.Length;
        await response.Body.WriteAsync(json, context.RequestAborted);
        return requestId;
    }

    public static Task<string> NotFound(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status404NotFound, AnthropicErrorTypes.NotFound, $"Not found: {context.Request.Method} {context.Request.Path}. The gateway serves /v1/*, /healthz and /.");
}
