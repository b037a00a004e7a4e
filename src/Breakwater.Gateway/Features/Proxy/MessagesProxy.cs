using System.Globalization;
using Breakwater.Anthropic;
using Breakwater.Gateway.Features.Jobs;
using Breakwater.Gateway.Hosting;
using Breakwater.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>
/// <c>POST /v1/messages</c> and <c>POST /v1/messages/count_tokens</c>: body read once (32 MB limit) and checked,
/// then through the shared Breakwater pipeline; the answer is relayed as it arrives.
/// </summary>
internal sealed class MessagesProxy
{
    private readonly GatewayOptions _options;
    private readonly UpstreamClient _upstream;
    private readonly ClientRetryDetector _retries;
    private readonly TimeProvider _time;
    private readonly ILogger<MessagesProxy> _logger;
    private readonly DeferralGate? _deferral;
    private Uri? _messagesTarget;
    private Uri? _countTokensTarget;

    public MessagesProxy(GatewayOptions options, UpstreamClient upstream, ClientRetryDetector retries, TimeProvider time, ILogger<MessagesProxy> logger, DeferralGate? deferral = null)
    {
        _deferral = deferral;
        _options = options;
        _upstream = upstream;
        _retries = retries;
        _time = time;
        _logger = logger;
    }

    /// <summary>Serves one request for <paramref name="route"/>; the upstream always sees that route's exact path.</summary>
    public async Task HandleAsync(HttpContext context, MessagesRoute route)
    {
        var request = context.Request;
        var cancellation = context.RequestAborted;
        var method = request.Method;
        var path = request.Path.Value ?? "";
        var started = _time.GetTimestamp();

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            // Our own limit rules; Kestrel's would answer in its own shape.
            sizeFeature.MaxRequestBodySize = null;
        }

        byte[]? body;
        try
        {
            body = await RequestBodyReader.ReadAsync(request.Body, request.ContentLength, _options.MaxBodyBytes, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            GatewayLog.ClientDisconnected(_logger, method, path);
            return;
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, AnthropicErrorTypes.InvalidRequest, "The request body could not be read completely.");
            return;
        }

        if (body is null)
        {
            await RejectAsync(context, StatusCodes.Status413RequestEntityTooLarge, AnthropicErrorTypes.RequestTooLarge,
                $"The request body exceeds the {_options.MaxBodyBytes.ToString(CultureInfo.InvariantCulture)}-byte limit.");
            return;
        }

        if (JsonBodyCheck.Problem(body, out var parsed) is { } problem)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, AnthropicErrorTypes.InvalidRequest, problem);
            return;
        }

        if (ModelNameCheck.Problem(parsed?.Model, _options.MaxModelNameLength) is { } modelProblem)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, AnthropicErrorTypes.InvalidRequest, modelProblem);
            return;
        }

        var defer = _deferral?.Check(request, body) ?? DeferralCheck.None;
        if (defer.Problem is { } deferProblem)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, AnthropicErrorTypes.InvalidRequest, deferProblem);
            return;
        }

        if (defer.Requested && await _deferral!.TryAnswerExistingAsync(context, cancellation))
        {
            return;
        }

        var target = Target(request, route);
        if (target is null)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, AnthropicErrorTypes.InvalidRequest, "The request path is not valid.");
            return;
        }

        var verdict = _retries.Inspect(request, body);
        if (verdict.IsRetry)
        {
            GatewayLog.ClientRetry(_logger, path, verdict.Reason ?? "");
        }

        // The pipeline takes these bytes as they are; a plain ByteArrayContent would be copied again to be read.
        var content = new RequestBodyContent(body) { Parsed = parsed };
        using var message = UpstreamRequests.Create(request, target, content, _options.Auth, dropAcceptEncoding: true, dropBreakwaterHeaders: false);
        if (verdict.IsRetry)
        {
            // Absent means false; setting it only when true keeps the options dictionary (and its copy per attempt) off the common path.
            message.Options.Set(BreakwaterRequestOptions.IsClientRetry, true);
        }

        if (ClientDeadline(request) is { } clientDeadline)
        {
            message.Options.Set(BreakwaterRequestOptions.Deadline, clientDeadline < _options.Breakwater.TotalDeadline ? clientDeadline : _options.Breakwater.TotalDeadline);
        }

        // A copy that ends without success (answer, give-up, exception, disconnect) makes the same body a client retry.
        var succeeded = false;
        try
        {
            HttpResponseMessage response;
            var committed = false;
            try
            {
                var pending = _upstream.Pipeline.SendAsync(message, cancellation);
                if (parsed is { IsStream: true } && !defer.Requested && _options.StreamKeepAlive > TimeSpan.Zero && !pending.IsCompleted)
                {
                    committed = await StreamKeepAlive.WaitAsync(context, pending, _options.StreamKeepAlive, _time);
                }

                response = await pending;
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                GatewayLog.ClientDisconnected(_logger, method, path);
                return;
            }
            catch (Exception ex) when (committed && ex is HttpRequestException or OperationCanceledException)
            {
                await StreamKeepAlive.FailAsync(context, ex, _logger);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                if (defer.Requested && Breakwater.Deferral.DeferralPolicy.IsDeferrable(ex))
                {
                    await _deferral!.DeferAsync(context, defer, body, Breakwater.Deferral.DeferralPolicy.Describe(ex), cancellation);
                    return;
                }

                await UpstreamFailureAnswer.WriteAsync(context, ex, preventRetryStacking: true, _logger);
                return;
            }

            using (response)
            {
                if ((int)response.StatusCode < 400)
                {
                    _retries.Forget(verdict.Fingerprint);
                    succeeded = true;
                }

                if (committed)
                {
                    // 200 and pings went out while the pipeline waited: whatever it answered goes on that stream.
                    await StreamKeepAlive.RelayAsync(context, response, _logger);
                    return;
                }

                if (defer.Requested && Breakwater.Deferral.DeferralPolicy.IsDeferrable(response))
                {
                    await _deferral!.DeferAsync(context, defer, body, Breakwater.Deferral.DeferralPolicy.Describe(response), cancellation);
                    return;
                }

                ResponseRelay.CopyHead(context, response, preventRetryStacking: true);
                await ResponseRelay.CopyBodyAsync(context, response, _logger);
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    GatewayLog.Completed(_logger, method, path, (int)response.StatusCode,
                        Header(response, BreakwaterHeaders.Attempts) ?? "1", Header(response, BreakwaterHeaders.GiveUp) ?? "-",
                        (long)_time.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }
        finally
        {
            if (!succeeded)
            {
                _retries.Ended(verdict.Fingerprint);
            }
        }
    }

    /// <summary>
    /// The upstream URI: the route's exact path (whatever spelling the client used) and the query. The two paths
    /// without a query (nearly every call) are built once: a <see cref="Uri"/> is immutable, and parsing one per
    /// request was a visible share of the gateway's allocations.
    /// </summary>
    private Uri? Target(HttpRequest request, MessagesRoute route)
    {
        var path = MessagesPaths.Canonical(route);
        if (request.QueryString.HasValue)
        {
            return UpstreamRequests.TargetUri(_upstream.BaseAddress, path, request.QueryString);
        }

        return route == MessagesRoute.CountTokens
            ? _countTokensTarget ??= UpstreamRequests.TargetUri(_upstream.BaseAddress, path, QueryString.Empty)
            : _messagesTarget ??= UpstreamRequests.TargetUri(_upstream.BaseAddress, path, QueryString.Empty);
    }

    /// <summary>The SDKs announce their own timeout in <c>x-stainless-timeout</c> (seconds); past it they have stopped listening.</summary>
    private static TimeSpan? ClientDeadline(HttpRequest request)
    {
        if (request.Headers.TryGetValue(AnthropicHeaders.StainlessTimeout, out var value)
            && double.TryParse(value.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && seconds > 0 && seconds < TimeSpan.MaxValue.TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private async Task RejectAsync(HttpContext context, int status, string type, string message)
    {
        var requestId = GatewayRequestId.New();
        GatewayLog.Rejected(_logger, context.Request.Method, context.Request.Path.Value ?? "", type, requestId);
        await GatewayErrors.WriteAsync(context, status, type, message, requestId);
    }
}
