using System.Globalization;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// Claude Code's own retry loop around the Anthropic TypeScript SDK (the SDK's client is built with
/// <c>maxRetries: 0</c>, so this loop is the only one), read from the minified bundle of
/// <c>@anthropic-ai/claude-code</c> 2.1.197 (native build) and 2.0.30 (<c>cli.js</c>): 10 retries
/// (<c>CLAUDE_CODE_MAX_RETRIES</c> unset); retried are a 529 / <c>overloaded_error</c>, then <c>x-should-retry: true</c>
/// (an API-key user), never <c>x-should-retry: false</c>, connection errors and timeouts, 408, 409, 429 (an API-key user),
/// ≥ 500. The wait before retry n + 1 (n = retries so far) is max(retry-after, min(0.5 × 2ⁿ, 32) s × (1 + 0.25·U)), where
/// retry-after is the leading integer of the <c>retry-after</c> header in seconds (<c>retry-after-ms</c> is not read);
/// a wait over 60 s ends the call instead. A stream is returned at its 200 headers, as in the SDK.
/// </summary>
internal sealed class AgentTenHandler(TimeProvider time, Random random, TimeSpan attemptTimeout) : DelegatingHandler
{
    public const int MaxRetries = 10;

    /// <summary>A wait longer than this ends the call (Claude Code's "retry after too long").</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
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

                await PolicyWaits.DelayAsync(time, Delay(retry, null, random.NextDouble()), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (retry >= MaxRetries || !ShouldRetry(response))
            {
                return response;
            }

            var delay = Delay(retry, response, random.NextDouble());
            if (delay > MaxWait)
            {
                return response;
            }

            response.Dispose();
            await PolicyWaits.DelayAsync(time, delay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The status rule of an API-key user (a subscriber would not retry 429 or honour x-should-retry: true).</summary>
    internal static bool ShouldRetry(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status == 529)
        {
            // Checked before x-should-retry: an overloaded_error is retried whatever the header says.
            return true;
        }

        if (response.Headers.TryGetValues("x-should-retry", out var values))
        {
            var value = values.FirstOrDefault();
            if (value == "true")
            {
                return true;
            }

            if (value == "false")
            {
                return false;
            }
        }

        return status is 408 or 409 or 429 || status >= 500;
    }

    /// <param name="retriesSoFar">0 before the first retry.</param>
    /// <param name="response">The failed response (null after a connection error or timeout).</param>
    /// <param name="u">A uniform draw in [0, 1).</param>
    internal static TimeSpan Delay(int retriesSoFar, HttpResponseMessage? response, double u)
    {
        var backoffMs = Math.Min(500 * Math.Pow(2, retriesSoFar), 32_000);
        var jittered = backoffMs + (u * 0.25 * backoffMs);
        if (response is not null && response.Headers.TryGetValues("retry-after", out var values)
            && JsParseInt(values.FirstOrDefault()) is { } seconds)
        {
            return TimeSpan.FromMilliseconds(Math.Max(seconds * 1000.0, jittered));
        }

        return TimeSpan.FromMilliseconds(jittered);
    }

    /// <summary>JavaScript's <c>parseInt(s, 10)</c>: optional whitespace and sign, then the leading decimal digits; null for NaN.</summary>
    internal static long? JsParseInt(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var s = text.TrimStart();
        var sign = 1;
        if (s.StartsWith('-') || s.StartsWith('+'))
        {
            sign = s[0] == '-' ? -1 : 1;
            s = s[1..];
        }

        var digits = 0;
        while (digits < s.Length && digits < 15 && char.IsAsciiDigit(s[digits]))
        {
            digits++;
        }

        return digits == 0 ? null : sign * long.Parse(s.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
