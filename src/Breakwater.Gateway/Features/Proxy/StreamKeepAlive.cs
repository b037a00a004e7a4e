using System.Globalization;
using Breakwater.Anthropic;
using Breakwater.Gateway.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>
/// SSE keep-alive for a client that asked for a stream while the pipeline is still waiting for an answer (a hung
/// upstream, retries, backoff). After <see cref="GatewayOptions.StreamKeepAlive"/> with nothing to send, the gateway
/// commits to <c>200</c> + <c>text/event-stream</c> and sends <c>event: ping</c> (what the API itself sends) at that
/// interval, so the client and every proxy between see a live stream. From that commit point on the answer can only
/// be the stream itself: a failure found later (an error status, a timeout, a broken connection) is sent as an
/// Anthropic-shaped <c>event: error</c>, and the upstream's response headers (request-id, rate limits,
/// <c>breakwater-*</c>) can no longer be passed on. Before it, nothing has been sent, so retries, fallback and
/// proper error statuses work as without keep-alive.
/// </summary>
internal static class StreamKeepAlive
{
    /// <summary>The API's own keep-alive event, byte for byte.</summary>
    internal static readonly byte[] Ping = "event: ping\ndata: {\"type\": \"ping\"}\n\n"u8.ToArray();

    /// <summary>
    /// Waits for <paramref name="pending"/>; past each <paramref name="interval"/> without it, commits the response
    /// (the first time) and sends a ping. Returns whether the response was committed. Never throws: a client gone
    /// away cancels <paramref name="pending"/> (it runs on the same token), and the caller sees that there.
    /// </summary>
    public static async Task<bool> WaitAsync(HttpContext context, Task pending, TimeSpan interval, TimeProvider time)
    {
        var committed = false;
        var cancellation = context.RequestAborted;
        while (!pending.IsCompleted && !cancellation.IsCancellationRequested)
        {
            using (var tick = new CancellationTokenSource())
            {
                var delay = Task.Delay(interval, time, tick.Token);
                if (await Task.WhenAny(pending, delay) == pending)
                {
                    // Stops the timer now rather than when it would have fired.
                    await tick.CancelAsync();
                    break;
                }
            }

            try
            {
                if (!committed)
                {
                    var response = context.Response;
                    response.StatusCode = StatusCodes.Status200OK;
                    response.ContentType = "text/event-stream; charset=utf-8";
                    response.Headers.CacheControl = "no-cache";
                    context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                    committed = true;
                }

                await context.Response.Body.WriteAsync(Ping, cancellation);
                await context.Response.Body.FlushAsync(cancellation);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                break;
            }
        }

        return committed;
    }

    /// <summary>The pipeline's answer on a committed stream: a stream's body as it comes, anything else as one <c>event: error</c>.</summary>
    public static async Task RelayAsync(HttpContext context, HttpResponseMessage upstream, ILogger logger)
    {
        var status = (int)upstream.StatusCode;
        if (status is >= 200 and < 300 && IsEventStream(upstream))
        {
            await ResponseRelay.CopyBodyAsync(context, upstream, logger);
            return;
        }

        string type;
        string message;
        string? requestId = null;
        if (status is >= 200 and < 300)
        {
            type = AnthropicErrorTypes.Api;
            message = "The upstream answered a streaming request with a body that is not a stream.";
        }
        else
        {
            AnthropicError error;
            try
            {
                error = await ErrorBodyParser.ParseAsync(upstream.Content, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            type = error.Type ?? AnthropicErrorTypes.ForStatus(status);
            message = error.Message ?? $"The upstream answered {status.ToString(CultureInfo.InvariantCulture)}.";
            requestId = error.RequestId ?? (upstream.Headers.TryGetValues(GatewayErrors.RequestIdHeader, out var ids) ? ids.FirstOrDefault() : null);
        }

        message += GaveUp(upstream);
        await WriteErrorAsync(context, type, message, requestId ?? GatewayRequestId.New());
    }

    /// <summary>A pipeline failure (no response at all) on a committed stream, as one <c>event: error</c>.</summary>
    public static async Task FailAsync(HttpContext context, Exception error, ILogger logger)
    {
        var (status, type, message) = UpstreamFailureAnswer.Describe(error);
        var requestId = GatewayRequestId.New();
        GatewayLog.UpstreamFailed(logger, context.Request.Method, context.Request.Path.Value ?? "", error.GetType().Name, status, requestId + " as event: error (stream already committed)");
        await WriteErrorAsync(context, type, message, requestId);
    }

    private static async Task WriteErrorAsync(HttpContext context, string type, string message, string requestId)
    {
        try
        {
            await context.Response.Body.WriteAsync(AnthropicErrorWriter.SseEvent(type, message, requestId), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            context.Abort();
        }
    }

    private static string GaveUp(HttpResponseMessage upstream)
    {
        if (!upstream.Headers.TryGetValues(BreakwaterHeaders.GiveUp, out var reasons))
        {
            return "";
        }

        var attempts = upstream.Headers.TryGetValues(BreakwaterHeaders.Attempts, out var a) ? a.FirstOrDefault() : null;
        return $" Breakwater gave up after {attempts ?? "?"} attempt(s): {string.Join(",", reasons)}.";
    }

    private static bool IsEventStream(HttpResponseMessage upstream) =>
        upstream.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values)
        && values.ToString().StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);
}
