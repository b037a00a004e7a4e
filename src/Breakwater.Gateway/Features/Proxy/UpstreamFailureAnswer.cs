using System.Globalization;
using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Gateway.Hosting;
using Breakwater.Pipeline;
using Breakwater.Retry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>When no response came at all (refused, reset, timed out): a 502 or 504 in Anthropic's shape, with a gateway request_id.</summary>
internal static class UpstreamFailureAnswer
{
    /// <summary>The status, error.type and message the gateway answers <paramref name="error"/> with.</summary>
    public static (int Status, string Type, string Message) Describe(Exception error)
    {
        var timedOut = error is OperationCanceledException or TimeoutException
            || error.InnerException is TimeoutException or OperationCanceledException
            || error is BreakwaterException { Kind: FailureKind.AttemptTimeout } or BreakwaterException { GiveUp: GiveUpReason.Deadline };
        var status = timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway;
        var type = timedOut ? AnthropicErrorTypes.Timeout : AnthropicErrorTypes.Api;
        var message = timedOut ? "The upstream did not answer in time." : "The gateway could not reach the upstream.";
        if (error is BreakwaterException bw)
        {
            message += $" Gave up after {bw.Attempts.ToString(CultureInfo.InvariantCulture)} attempt(s): {GiveUpReasons.ToWire(bw.GiveUp)}.";
        }

        return (status, type, message);
    }

    public static async Task WriteAsync(HttpContext context, Exception error, bool preventRetryStacking, ILogger logger)
    {
        var (status, type, message) = Describe(error);
        var requestId = GatewayRequestId.New();
        var headers = context.Response.Headers;
        if (error is BreakwaterException bw)
        {
            foreach (var (name, value) in CallHeaders.Of(bw.Attempts, bw.RequestIds, model: null, requestedModel: null, bw.GiveUp))
            {
                headers[name] = value;
            }
        }

        // The gateway already retried (or was told not to): the client's own retries would only stack on top.
        if (preventRetryStacking)
        {
            headers[AnthropicHeaders.ShouldRetry] = "false";
        }

        GatewayLog.UpstreamFailed(logger, context.Request.Method, context.Request.Path.Value ?? "", error.GetType().Name, status, requestId);
        await GatewayErrors.WriteAsync(context, status, type, message, requestId);
    }
}
