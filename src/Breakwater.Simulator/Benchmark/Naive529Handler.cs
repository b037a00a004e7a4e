namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// The loop most tutorials show: retry only on 529, 5 attempts in all, waiting min(60, 2^n) s plus up to 75 % of that
/// at random. Anything else (a masked 503, a timeout, a 429) is returned or thrown as is.
/// </summary>
internal sealed class Naive529Handler(TimeProvider time, Random random, TimeSpan attemptTimeout) : DelegatingHandler
{
    public const int MaxAttempts = 5;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            var response = await PolicyWaits.SendAttemptAsync(base.SendAsync, request, time, attemptTimeout, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode != 529 || retry + 1 >= MaxAttempts)
            {
                return response;
            }

            response.Dispose();
            await PolicyWaits.DelayAsync(time, Delay(retry, random.NextDouble()), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <param name="retriesSoFar">0 before the first retry.</param>
    /// <param name="u">A uniform draw in [0, 1).</param>
    internal static TimeSpan Delay(int retriesSoFar, double u)
    {
        var baseSeconds = Math.Min(60.0, Math.Pow(2, retriesSoFar));
        return TimeSpan.FromSeconds(baseSeconds + (u * 0.75 * baseSeconds));
    }
}
