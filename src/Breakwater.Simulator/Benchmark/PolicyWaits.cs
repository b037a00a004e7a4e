using Breakwater.Simulator.Core;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// Waits for the modelled baseline policies on the run's virtual clock: a plain timer plus TaskCompletionSource, never
/// Task.Delay with a token (whose cancelled awaiter resumes on the thread pool and would let the clock run ahead).
/// </summary>
internal static class PolicyWaits
{
    public static Task DelayAsync(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken)
        => Waits.DelayAsync(time, delay, cancellationToken);

    /// <summary>One attempt under an attempt timeout: a <see cref="TimeoutException"/> when it fires first.</summary>
    public static async Task<HttpResponseMessage> SendAttemptAsync(
        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> send,
        HttpRequestMessage request,
        TimeProvider time,
        TimeSpan attemptTimeout,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(attemptTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await send(request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Attempt timed out after {attemptTimeout.TotalSeconds:0.###} s.", e);
        }
    }

    /// <summary>Seconds of a retry-after-ms / retry-after (seconds or HTTP date) header, or null.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (UpstreamTap.RetryAfterOf(response) is { } parsed)
        {
            return parsed;
        }

        if (response.Headers.RetryAfter?.Date is { } date)
        {
            return date - now;
        }

        return null;
    }

    public static void SetHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }
}
