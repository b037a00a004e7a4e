using Breakwater.Anthropic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Breakwater.Gateway.Hosting;

/// <summary>
/// The request-line and header limits, answered in Anthropic's error shape. Kestrel answers a request over its own
/// limits itself, before any middleware, with an empty body (that cannot be changed). So Kestrel's limits are set to
/// <see cref="KestrelFactor"/> times these, and this middleware, first in the pipeline, answers a request between the
/// two: 414 <c>invalid_request_error</c> for a request line over 8 KB, 431 <c>invalid_request_error</c> for more
/// than 32 KB or 100 header fields. Past Kestrel's limits, and for a request line Kestrel cannot parse at all, the
/// client still gets Kestrel's own empty 400, 414 or 431.
/// </summary>
internal static class RequestLimits
{
    /// <summary>The longest request line (method, target, version) answered by the gateway: 8 KB, Kestrel's default.</summary>
    public const int MaxRequestLineBytes = 8 * 1024;

    /// <summary>The most bytes of header fields (names and values): 32 KB, Kestrel's default.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>The most header fields: 100, Kestrel's default.</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>How much larger Kestrel's own limits are, so that the band between is answered in Anthropic's shape.</summary>
    public const int KestrelFactor = 4;

    /// <summary>Raises Kestrel's limits above the gateway's own.</summary>
    public static void ConfigureKestrel(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = MaxRequestLineBytes * KestrelFactor;
        limits.MaxRequestHeadersTotalSize = MaxHeaderBytes * KestrelFactor;
        limits.MaxRequestHeaderCount = MaxHeaderCount * KestrelFactor;
        limits.Http2.MaxRequestHeaderFieldSize = Math.Max(limits.Http2.MaxRequestHeaderFieldSize, MaxHeaderBytes * KestrelFactor);
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(static (context, next) =>
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.Path.Value + request.QueryString.Value);
        var lineBytes = request.Method.Length + 1 + target.Length + 1 + request.Protocol.Length + 2;
        if (lineBytes > MaxRequestLineBytes)
        {
            return Reject(context, StatusCodes.Status414UriTooLong, $"The request line is longer than {MaxRequestLineBytes} bytes.");
        }

        var headers = request.Headers;
        var count = 0;
        long bytes = 0;
        foreach (var header in headers)
        {
            foreach (var value in header.Value)
            {
                count++;
                bytes += header.Key.Length + (value?.Length ?? 0) + 4;
            }
        }

        if (count > MaxHeaderCount || bytes > MaxHeaderBytes)
        {
            return Reject(context, StatusCodes.Status431RequestHeaderFieldsTooLarge,
                $"The request headers exceed the gateway's limits ({MaxHeaderCount} fields, {MaxHeaderBytes} bytes).");
        }

        return next(context);
    });

    private static Task<string> Reject(HttpContext context, int status, string message)
    {
        // The connection is not reused: the client may still be sending what was too large.
        context.Response.Headers.Connection = "close";
        return GatewayErrors.WriteAsync(context, status, AnthropicErrorTypes.InvalidRequest, message);
    }
}
