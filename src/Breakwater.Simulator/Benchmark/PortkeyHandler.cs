namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// The Portkey AI gateway (<c>@portkey-ai/gateway</c> 1.15.2, <c>build/start-server.js</c>: <c>retryRequest</c> over
/// <c>async-retry</c>, <c>normalizeRetryConfig</c>) configured with <c>retry: { attempts: 5 }</c>. Without a
/// <c>retry</c> block the gateway sends one attempt (<c>attempts ?? 0</c>), which is the <c>none</c> policy. With it:
/// 5 retries (6 attempts) on the default <c>on_status_codes</c> 429, 500, 502, 503, 504 (not 529, not 408) and on a
/// thrown fetch (connection error); waits 1, 2, 4, 8, 16 s (<c>minTimeout</c> 1 s × 2ⁿ, <c>randomize: false</c>, no jitter);
/// retry-after is ignored (<c>use_retry_after_header</c> is off by default). The attempt timeout is the gateway's
/// <c>request_timeout</c>, which answers 408 and so ends the call. Any other status is returned at once.
/// </summary>
internal sealed class PortkeyHandler(TimeProvider time, TimeSpan attemptTimeout) : DelegatingHandler
{
    public const int Attempts = 5;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            HttpResponseMessage response;
            try
            {
                response = await PolicyWaits.SendAttemptAsync(base.SendAsync, request, time, attemptTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                if (retry >= Attempts)
                {
                    throw;
                }

                await PolicyWaits.DelayAsync(time, Delay(retry), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (retry >= Attempts || !IsRetried((int)response.StatusCode))
            {
                return response;
            }

            response.Dispose();
            await PolicyWaits.DelayAsync(time, Delay(retry), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The gateway's default <c>on_status_codes</c> (constant <c>[429, 500, 502, 503, 504]</c>).</summary>
    internal static bool IsRetried(int status) => status is 429 or 500 or 502 or 503 or 504;

    /// <summary>async-retry's timeout for retry n (0-based): round(1 × 1000 ms × 2ⁿ), no randomisation.</summary>
    internal static TimeSpan Delay(int retriesSoFar) => TimeSpan.FromMilliseconds(1000 * Math.Pow(2, retriesSoFar));
}
