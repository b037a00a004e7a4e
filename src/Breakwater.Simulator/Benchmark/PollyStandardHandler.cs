namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// Microsoft.Extensions.Http.Resilience 10.11 <c>AddStandardResilienceHandler()</c> defaults, modelled on the virtual clock:
/// total timeout (here D, enforced by the caller's deadline) → retry (3 retries, exponential 2 s base with Polly's
/// decorrelated jitter V2, Retry-After honoured, on ≥ 500, 408, 429, HttpRequestException and attempt timeouts) →
/// circuit breaker (10 % / 30 s / minimum 100 / 5 s break, same failure predicate; an open circuit fails the call
/// without a retry) → attempt timeout (here the scenario's). The rate limiter (1,000 permits) never binds at this load.
/// </summary>
internal sealed class PollyStandardHandler(TimeProvider time, Random random, TimeSpan attemptTimeout) : DelegatingHandler
{
    public const int MaxRetries = 3;
    private const double PFactor = 4.0;
    private const double RpScalingFactor = 1 / 1.4d;

    internal PollyBreakerModel Breaker { get; } = new(time);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var prev = 0.0;
        for (var retry = 0; ; retry++)
        {
            if (!Breaker.TryEnter())
            {
                throw new InvalidOperationException("The circuit is now open and is not allowing calls.");
            }

            HttpResponseMessage response;
            try
            {
                response = await PolicyWaits.SendAttemptAsync(base.SendAsync, request, time, attemptTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                Breaker.Record(failure: true);
                if (retry >= MaxRetries)
                {
                    throw;
                }

                await PolicyWaits.DelayAsync(time, Backoff(retry, TimeSpan.FromSeconds(2), ref prev, random.NextDouble()), cancellationToken).ConfigureAwait(false);
                continue;
            }

            var transient = IsTransient(response);
            Breaker.Record(transient);
            if (!transient || retry >= MaxRetries)
            {
                return response;
            }

            var backoff = Backoff(retry, TimeSpan.FromSeconds(2), ref prev, random.NextDouble());
            var delay = PolicyWaits.RetryAfter(response, time.GetUtcNow()) is { } retryAfter && retryAfter > TimeSpan.Zero ? retryAfter : backoff;
            response.Dispose();
            await PolicyWaits.DelayAsync(time, delay, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static bool IsTransient(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        return status >= 500 || status is 408 or 429;
    }

    /// <summary>Polly 8's DecorrelatedJitterBackoffV2 (exponential + jitter); <paramref name="attempt"/> is 0 for the first retry.</summary>
    internal static TimeSpan Backoff(int attempt, TimeSpan baseDelay, ref double prev, double u)
    {
        var t = attempt + u;
        var next = Math.Pow(2, t) * Math.Tanh(Math.Sqrt(PFactor * t));
        var intrinsic = next - prev;
        prev = next;
        return TimeSpan.FromTicks((long)Math.Min(intrinsic * RpScalingFactor * baseDelay.Ticks, TimeSpan.MaxValue.Ticks - 1000));
    }
}
