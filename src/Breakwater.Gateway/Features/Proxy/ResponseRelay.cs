using System.Buffers;
using System.Net.Http.Headers;
using Breakwater.Anthropic;
using Breakwater.Gateway.Hosting;
using Breakwater.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>Copies an upstream response to the client as it arrives: status, filtered headers, then the body, flushed per read.</summary>
internal static class ResponseRelay
{
    private const int BufferSize = 16 * 1024;

    /// <summary>Writes status and headers (without starting the response).</summary>
    public static void CopyHead(HttpContext context, HttpResponseMessage upstream, bool preventRetryStacking)
    {
        var response = context.Response;
        response.StatusCode = (int)upstream.StatusCode;
        // Raw values (NonValidated): a proxy passes headers on as received; the validated view would parse every one
        // into a per-header object and the copy would allocate an array per header.
        upstream.Headers.NonValidated.TryGetValues("connection", out var connection);
        foreach (var header in upstream.Headers.NonValidated)
        {
            if (HeaderRules.ForwardResponseHeader(header.Key, connection))
            {
                response.Headers[header.Key] = Values(header.Value);
            }
        }

        foreach (var header in upstream.Content.Headers.NonValidated)
        {
            if (HeaderRules.ForwardResponseHeader(header.Key, connection))
            {
                response.Headers[header.Key] = Values(header.Value);
            }
        }

        if (preventRetryStacking && NoRetryStacking.ShouldRetryOverride(response.StatusCode, upstream.Headers) is { } value)
        {
            response.Headers[AnthropicHeaders.ShouldRetry] = value;
        }
    }

    private static StringValues Values(HeaderStringValues values) =>
        values.Count == 1 ? new StringValues(values.ToString()) : new StringValues(values.ToArray());

    /// <summary>
    /// Copies the body. A break in the upstream body after bytes reached the client becomes an Anthropic-shaped
    /// <c>event: error</c> on a stream and an aborted connection otherwise: never a clean, silently truncated end.
    /// A body that stalled (the pipeline's idle timeout or the call's deadline) before anything was sent is a 504
    /// <c>timeout_error</c>; one that broke is a 502 <c>api_error</c>.
    /// </summary>
    public static async Task CopyBodyAsync(HttpContext context, HttpResponseMessage upstream, ILogger logger)
    {
        var cancellation = context.RequestAborted;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var body = context.Response.Body;
        var isHead = HttpMethods.IsHead(context.Request.Method);
        long copied = 0;
        // A stream can sit open for minutes between events. Like YARP, wait for its data with a zero-byte read and
        // hold a buffer only while copying, so an idle open stream costs no buffer (16 KB each otherwise).
        var waitWithoutBuffer = IsEventStream(context.Response.ContentType);
        byte[]? buffer = waitWithoutBuffer ? null : ArrayPool<byte>.Shared.Rent(BufferSize);

        // A stream, or a body of unknown length, goes out as it arrives. A body of known length is written as it
        // arrives and sent when Kestrel's buffer fills or the response ends: a flush per read would hand each
        // small JSON answer to the socket writer twice.
        var flushEachRead = waitWithoutBuffer || context.Response.ContentLength is null;
        try
        {
            // Synchronous: every content that reaches here (the connection's own, or the pipeline's stream and byte
            // contents) already has its stream, and the async form allocates a Task for it.
            await using var source = upstream.Content.ReadAsStream(cancellation);
            if (isHead)
            {
                return;
            }

            while (true)
            {
                if (waitWithoutBuffer)
                {
                    _ = await source.ReadAsync(Memory<byte>.Empty, cancellation);
                    buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                }

                var read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellation);
                if (read == 0)
                {
                    break;
                }

                await body.WriteAsync(buffer.AsMemory(0, read), cancellation);
                if (flushEachRead)
                {
                    await body.FlushAsync(cancellation);
                }

                copied += read;
                if (waitWithoutBuffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer!);
                    buffer = null;
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            GatewayLog.ClientDisconnected(logger, context.Request.Method, context.Request.Path.Value ?? "");
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            if (cancellation.IsCancellationRequested)
            {
                // The client went away first; the upstream read failed because of it.
                GatewayLog.ClientDisconnected(logger, context.Request.Method, context.Request.Path.Value ?? "");
                return;
            }

            await ReportBrokenBodyAsync(context, copied, ex, logger);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    // The head is already copied: read the relayed string rather than parse the upstream's Content-Type again.
    private static bool IsEventStream(string? contentType) =>
        contentType is not null && contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase);

    private static async Task ReportBrokenBodyAsync(HttpContext context, long copied, Exception ex, ILogger logger)
    {
        var method = context.Request.Method;
        var path = context.Request.Path.Value ?? "";
        var requestId = GatewayRequestId.New();

        // The pipeline ends a body the upstream stopped sending (idle timeout, or the call's deadline) with a timeout.
        var timedOut = BodyTimeoutStream.IsTimeout(ex);
        var kind = timedOut ? "timeout" : ex.GetType().Name;
        if (!context.Response.HasStarted)
        {
            context.Response.Headers.Clear();
            if (timedOut)
            {
                GatewayLog.ResponseBroken(logger, method, path, copied, kind, "answered 504 " + requestId);
                await GatewayErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout, AnthropicErrorTypes.Timeout, ex.Message, requestId);
                return;
            }

            GatewayLog.ResponseBroken(logger, method, path, copied, kind, "answered 502 " + requestId);
            await GatewayErrors.WriteAsync(context, StatusCodes.Status502BadGateway, AnthropicErrorTypes.Api, "The upstream connection broke before the response body was complete.", requestId);
            return;
        }

        var contentType = context.Response.ContentType ?? "";
        if (contentType.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            GatewayLog.ResponseBroken(logger, method, path, copied, kind, "sent event: error " + requestId);
            var frame = timedOut
                ? AnthropicErrorWriter.SseEvent(AnthropicErrorTypes.Timeout, ex.Message + " The response is incomplete.", requestId)
                : AnthropicErrorWriter.SseEvent(AnthropicErrorTypes.Api, "The upstream connection broke mid-stream; the response is incomplete.", requestId);
            try
            {
                await context.Response.Body.WriteAsync(frame, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
            catch (Exception writeError) when (writeError is IOException or OperationCanceledException)
            {
                context.Abort();
            }

            return;
        }

        // A JSON body cut short must not look complete: abort so the client sees a broken response.
        GatewayLog.ResponseBroken(logger, method, path, copied, kind, "aborted the client connection");
        context.Abort();
    }
}
