using Breakwater.Anthropic;
using Breakwater.Gateway.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>
/// Every other <c>/v1/*</c> route (models, batches, files...): forwarded unparsed, body streamed, never retried,
/// except an idempotent request without a body whose connection failed before any answer.
/// </summary>
internal sealed class ForwardProxy
{
    private readonly GatewayOptions _options;
    private readonly UpstreamClient _upstream;
    private readonly TimeProvider _time;
    private readonly ILogger<ForwardProxy> _logger;

    public ForwardProxy(GatewayOptions options, UpstreamClient upstream, TimeProvider time, ILogger<ForwardProxy> logger)
    {
        _options = options;
        _upstream = upstream;
        _time = time;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var cancellation = context.RequestAborted;
        var method = request.Method;
        var path = request.Path.Value ?? "";

        if (request.ContentLength > _options.MaxForwardBodyBytes)
        {
            await RejectAsync(context, StatusCodes.Status413RequestEntityTooLarge, AnthropicErrorTypes.RequestTooLarge, "The request body is too large for the gateway.");
            return;
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = _options.MaxForwardBodyBytes;
        }

        var target = UpstreamRequests.TargetUri(_upstream.BaseAddress, request);
        if (target is null)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, AnthropicErrorTypes.InvalidRequest, "The request path is not valid.");
            return;
        }

        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        var idempotent = !hasBody && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));
        var maxRetries = idempotent ? _options.ForwardConnectRetries : 0;

        using var timeout = new CancellationTokenSource(_options.ForwardTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
        HttpResponseMessage? response = null;
        for (var retry = 0; response is null; retry++)
        {
            using var message = UpstreamRequests.Create(request, target, hasBody ? new StreamContent(request.Body) : null, _options.Auth, dropAcceptEncoding: false, dropBreakwaterHeaders: true);
            try
            {
                response = await _upstream.Forwarder.SendAsync(message, linked.Token);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                GatewayLog.ClientDisconnected(_logger, method, path);
                return;
            }
            catch (HttpRequestException ex) when (retry < maxRetries && !IsBadClientBody(ex))
            {
                GatewayLog.ForwardRetry(_logger, method, path, ex.HttpRequestError.ToString(), retry + 1, maxRetries);
                try
                {
                    await Task.Delay(_options.ForwardConnectRetryDelay, _time, linked.Token);
                }
                catch (OperationCanceledException)
                {
                    if (cancellation.IsCancellationRequested)
                    {
                        return;
                    }

                    await UpstreamFailureAnswer.WriteAsync(context, ex, preventRetryStacking: false, _logger);
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                if (IsBadClientBody(ex))
                {
                    await RejectAsync(context, StatusCodes.Status400BadRequest, AnthropicErrorTypes.InvalidRequest, "The request body could not be read completely.");
                    return;
                }

                await UpstreamFailureAnswer.WriteAsync(context, ex, preventRetryStacking: false, _logger);
                return;
            }
        }

        // The timeout bounds the wait for an answer, not the length of a long download.
        timeout.CancelAfter(Timeout.InfiniteTimeSpan);
        using (response)
        {
            ResponseRelay.CopyHead(context, response, preventRetryStacking: false);
            await ResponseRelay.CopyBodyAsync(context, response, _logger);
        }
    }

    // A body Kestrel refused (too large, or the client cut it short) surfaces wrapped in the upstream send.
    private static bool IsBadClientBody(Exception ex) => ex.InnerException is BadHttpRequestException;

    private async Task RejectAsync(HttpContext context, int status, string type, string message)
    {
        var requestId = GatewayRequestId.New();
        GatewayLog.Rejected(_logger, context.Request.Method, context.Request.Path.Value ?? "", type, requestId);
        await GatewayErrors.WriteAsync(context, status, type, message, requestId);
    }
}
