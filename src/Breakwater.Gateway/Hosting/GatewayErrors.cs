using System.Text.Json;
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
        await response.Body.WriteAsync(Serialize(errorType, message, requestId), context.RequestAborted);
        return requestId;
    }

    public static byte[] Serialize(string errorType, string message, string requestId)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "error");
            json.WriteStartObject("error");
            json.WriteString("type", errorType);
            json.WriteString("message", message);
            json.WriteEndObject();
            json.WriteString("request_id", requestId);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>An SSE <c>event: error</c> frame, for a stream that breaks after bytes reached the client.</summary>
    public static byte[] SseErrorEvent(string errorType, string message, string requestId)
    {
        var data = Serialize(errorType, message, requestId);
        var prefix = "event: error\ndata: "u8;
        var frame = new byte[prefix.Length + data.Length + 2];
        prefix.CopyTo(frame);
        data.CopyTo(frame.AsSpan(prefix.Length));
        frame[^2] = (byte)'\n';
        frame[^1] = (byte)'\n';
        return frame;
    }

    public static Task<string> NotFound(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status404NotFound, AnthropicErrorTypes.NotFound, $"Not found: {context.Request.Method} {context.Request.Path}. The gateway serves /v1/*, /healthz and /.");
}
