using Microsoft.AspNetCore.Http;

namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>Counts the Messages requests this gateway answers, and notes the ones served by a fallback model.</summary>
internal sealed class TrafficMiddleware(RequestDelegate next, TrafficRecorder recorder)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.StartsWithSegments("/v1/messages", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        finally
        {
            var headers = context.Response.Headers;
            FallbackEntry? fallback = null;
            var from = headers[BreakwaterHeaders.FallbackFrom].ToString();
            if (from.Length > 0)
            {
                var requestId = headers["request-id"].ToString();
                fallback = new FallbackEntry(recorder.Time.GetUtcNow(), from, headers[BreakwaterHeaders.Model].ToString(), requestId.Length > 0 ? requestId : null);
            }

            recorder.RecordRequest(context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted ? 499 : context.Response.StatusCode, fallback);
        }
    }
}
