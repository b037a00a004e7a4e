using System.Globalization;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// The official SDKs' retry loop (Stainless-generated; Anthropic C# SDK 13.14, Python/TypeScript SDKs alike):
/// 2 retries; a retry-after-ms / retry-after within (0, 60] s is obeyed, otherwise min(0.5 × 2^n, 8) s × (1 − 0.25·U);
/// x-should-retry overrides the status rule; 408, 409, 429, ≥ 500, connection errors and timeouts are retried.
/// A stream is returned once its 200 headers arrive, so a mid-stream error is never retried.
/// </summary>
internal sealed class SdkDefaultHandler(TimeProvider time, Random random, TimeSpan attemptTimeout) : DelegatingHandler
{
    public const int MaxRetries = 2;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            PolicyWaits.SetHeader(request, "x-stainless-retry-count", retry.ToString(CultureInfo.InvariantCulture));
            HttpResponseMessage response;
            try
            {
                response = await PolicyWaits.SendAttemptAsync(base.SendAsync, request, time, attemptTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                if (retry >= MaxRetries)
                {
                    throw;
                }

                await PolicyWaits.DelayAsync(time, Delay(retry, null, time.GetUtcNow(), random.NextDouble()), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (retry >= MaxRetries || !ShouldRetry(response))
            {
                return response;
            }

            var delay = Delay(retry, response, time.GetUtcNow(), random.NextDouble());
            response.Dispose();
            await PolicyWaits.DelayAsync(time, delay, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static bool ShouldRetry(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("x-should-retry", out var values))
        {
            var value = values.FirstOrDefault();
            if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        var status = (int)response.StatusCode;
        return status is 408 or 409 or 429 || status >= 500;
    }

    /// <param name="retriesSoFar">0 before the first retry.</param>
    /// <param name="response">The failed response (null after a connection error or timeout).</param>
    /// <param name="now">The current time, for an HTTP-date retry-after.</param>
    /// <param name="u">A uniform draw in [0, 1).</param>
    internal static TimeSpan Delay(int retriesSoFar, HttpResponseMessage? response, DateTimeOffset now, double u)
    {
        if (response is not null && PolicyWaits.RetryAfter(response, now) is { } retryAfter
            && retryAfter > TimeSpan.Zero && retryAfter <= TimeSpan.FromSeconds(60))
        {
            return retryAfter;
        }

        var seconds = Math.Min(0.5 * Math.Pow(2, retriesSoFar), 8.0) * (1.0 - (0.25 * u));
        return TimeSpan.FromSeconds(seconds);
    }
}
