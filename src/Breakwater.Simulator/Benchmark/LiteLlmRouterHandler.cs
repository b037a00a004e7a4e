using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// A LiteLLM <c>Router</c> with its defaults, one deployment per model group and
/// <c>fallbacks = [{chain[i]: [chain[i + 1]]}]</c> over the scenario's fallback chain (<c>router.py</c>
/// <c>async_function_with_fallbacks</c> → <c>async_function_with_retries</c>, <c>should_retry_this_error</c>,
/// <c>_time_to_sleep_before_retry</c>; <c>utils.py</c> <c>_should_retry</c>, <c>_calculate_retry_after</c>).
/// num_retries 2 (<c>openai.DEFAULT_MAX_RETRIES</c>): 3 attempts per group. A failure is retried when its status passes
/// <c>_should_retry</c> (408, 409, 429, ≥ 500, so 529 as an InternalServerError; a timeout counts as 408, a connection error
/// as 500) and the deployment is not cooling down. With a single deployment the sleep is never 0: before retry k + 1 it is
/// retry-after + 0.75·U when 0 &lt; retry-after ≤ 60 s (integer seconds or HTTP date), else min(0.5 × 2ᵏ, 8) s + 0.75·U,
/// and it is slept after the last attempt too. A group that fails falls back to the next model of the chain (itself with
/// retries and its own fallback, at most 5 hops); when every fallback fails the caller gets the primary group's failure.
/// A failure that is not retried (a 400, say) still falls back (the generic <c>fallbacks</c> branch takes any error).
/// Cooldowns: <see cref="LiteLlmCooldowns"/>; a cooling deployment fails
/// the attempt at once with 429 "No deployments available" (no upstream call), which is not retried.
/// </summary>
internal sealed class LiteLlmRouterHandler(TimeProvider time, Random random, TimeSpan attemptTimeout, IReadOnlyList<string> fallbackChain) : DelegatingHandler
{
    public const int NumRetries = 2;
    public const int MaxFallbacks = 5;


    internal LiteLlmCooldowns Cooldowns { get; } = new(time);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var model = UpstreamTap.ModelOf(body) ?? "";
        var (response, error) = await WithFallbacksAsync(request, model, 0, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return response!;
    }

    /// <summary><c>litellm._should_retry</c>.</summary>
    internal static bool ShouldRetryStatus(int status) => status is 408 or 409 or 429 || status >= 500;

    /// <summary><c>_calculate_retry_after</c> with min_timeout 0 (Router.retry_after's default).</summary>
    /// <param name="remainingRetries">num_retries before the first retry, then num_retries − attempt − 1.</param>
    /// <param name="response">The failed response (null after a timeout or connection error).</param>
    /// <param name="now">The current time, for an HTTP-date retry-after.</param>
    /// <param name="u">A uniform draw in [0, 1).</param>
    internal static TimeSpan Delay(int remainingRetries, HttpResponseMessage? response, DateTimeOffset now, double u)
    {
        var jitter = 0.75 * u;
        if (RetryAfterSeconds(response, now) is { } ra && ra > 0 && ra <= 60)
        {
            return TimeSpan.FromSeconds(ra + jitter);
        }

        var sleep = Math.Min(Math.Max(0.5 * Math.Pow(2, NumRetries - remainingRetries), 0), 8.0);
        return TimeSpan.FromSeconds(sleep + jitter);
    }

    /// <summary><c>_get_retry_after_from_exception_header</c>: <c>int(retry-after)</c>, else an HTTP date minus now, else −1.</summary>
    internal static long RetryAfterSeconds(HttpResponseMessage? response, DateTimeOffset now)
    {
        if (response is null || !response.Headers.TryGetValues("retry-after", out var values))
        {
            return -1;
        }

        var text = values.FirstOrDefault()?.Trim() ?? "";
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds;
        }

        return response.Headers.RetryAfter?.Date is { } date ? (long)(date - now).TotalSeconds : -1;
    }

    private async Task<(HttpResponseMessage? Response, Exception? Error)> WithFallbacksAsync(HttpRequestMessage request, string model, int depth, CancellationToken cancellationToken)
    {
        var primary = await WithRetriesAsync(request, model, cancellationToken).ConfigureAwait(false);
        if (IsSuccess(primary))
        {
            return primary;
        }

        var at = fallbackChain.Count >= 2 ? fallbackChain.ToList().IndexOf(model) : -1;
        if (at < 0 || at + 1 >= fallbackChain.Count || depth >= MaxFallbacks)
        {
            return primary;
        }

        var fallback = await WithFallbacksAsync(request, fallbackChain[at + 1], depth + 1, cancellationToken).ConfigureAwait(false);
        if (IsSuccess(fallback))
        {
            primary.Response?.Dispose();
            return fallback;
        }

        fallback.Response?.Dispose();
        return primary;
    }

    private async Task<(HttpResponseMessage? Response, Exception? Error)> WithRetriesAsync(HttpRequestMessage request, string model, CancellationToken cancellationToken)
    {
        await SetModelAsync(request, model, cancellationToken).ConfigureAwait(false);
        var outcome = await AttemptAsync(request, model, cancellationToken).ConfigureAwait(false);
        if (IsSuccess(outcome) || !Retryable(outcome, model))
        {
            return outcome;
        }

        await PolicyWaits.DelayAsync(time, Delay(NumRetries, outcome.Response, time.GetUtcNow(), random.NextDouble()), cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; attempt < NumRetries; attempt++)
        {
            outcome.Response?.Dispose();
            outcome = await AttemptAsync(request, model, cancellationToken).ConfigureAwait(false);
            if (IsSuccess(outcome) || !Retryable(outcome, model))
            {
                return outcome;
            }

            await PolicyWaits.DelayAsync(time, Delay(NumRetries - attempt - 1, outcome.Response, time.GetUtcNow(), random.NextDouble()), cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    private async Task<(HttpResponseMessage? Response, Exception? Error)> AttemptAsync(HttpRequestMessage request, string model, CancellationToken cancellationToken)
    {
        if (Cooldowns.IsCooling(model))
        {
            return (NoDeployments(request, model), null);
        }

        try
        {
            var response = await PolicyWaits.SendAttemptAsync(base.SendAsync, request, time, attemptTimeout, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                Cooldowns.RecordSuccess(model);
            }
            else
            {
                var retryAfter = RetryAfterSeconds(response, time.GetUtcNow());
                Cooldowns.RecordFailure(model, status, connectionError: false, retryAfter >= 0 ? TimeSpan.FromSeconds(retryAfter) : null);
            }

            return (response, null);
        }
        catch (Exception e) when (e is TimeoutException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            Cooldowns.RecordFailure(model, e is TimeoutException ? 408 : 500, connectionError: e is not TimeoutException, null);
            return (null, e);
        }
    }

    private bool Retryable((HttpResponseMessage? Response, Exception? Error) outcome, string model)
        => ShouldRetryStatus(StatusOf(outcome)) && !Cooldowns.IsCooling(model);

    private static bool IsSuccess((HttpResponseMessage? Response, Exception? Error) outcome)
        => outcome.Response is { } r && (int)r.StatusCode is >= 200 and < 300;

    private static int StatusOf((HttpResponseMessage? Response, Exception? Error) outcome)
        => outcome.Response is { } r ? (int)r.StatusCode : outcome.Error is TimeoutException ? 408 : 500;

    private static HttpResponseMessage NoDeployments(HttpRequestMessage request, string model) => new(HttpStatusCode.TooManyRequests)
    {
        RequestMessage = request,
        Content = new StringContent("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"No deployments available for selected model: " + model + "\"}}", Encoding.UTF8, "application/json"),
    };

    private static async Task SetModelAsync(HttpRequestMessage request, string model, CancellationToken cancellationToken)
    {
        if (request.Content is null)
        {
            return;
        }

        var body = await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (UpstreamTap.ModelOf(body) is not { } current || current == model)
        {
            return;
        }

        var from = Encoding.UTF8.GetBytes("\"model\":\"" + current + "\"");
        var at = body.AsSpan().IndexOf(from);
        byte[] rewritten = [.. body.AsSpan(0, at), .. Encoding.UTF8.GetBytes("\"model\":\"" + model + "\""), .. body.AsSpan(at + from.Length)];
        var content = new ByteArrayContent(rewritten);
        content.Headers.ContentType = request.Content.Headers.ContentType ?? new MediaTypeHeaderValue("application/json");
        var old = request.Content;
        request.Content = content;
        old.Dispose();
    }
}
