using System.Globalization;
using System.Text;

namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// Sits between a client's policy and the shared simulator: pins the planned draws of the logical request on every
/// attempt (service time for whichever model the attempt names, output length; with the scenario's
/// serviceTimeRedraw a retry gets a fresh service time of its own), counts attempts, and keeps the
/// retry-afters given (per call, per client, key-wide) so that a retry sent before one expires is counted as early,
/// counts 429 responses and the attempts still waiting for an answer.
/// </summary>
internal sealed class UpstreamTap : DelegatingHandler
{
    /// <summary>The logical request an HTTP request belongs to (copied to every attempt by every policy).</summary>
    public static readonly HttpRequestOptionsKey<PlannedRequest> PlanOption = new("Breakwater.Benchmark.Plan");

    private static readonly byte[] ModelKey = Encoding.UTF8.GetBytes("\"model\":\"");

    private readonly RunTrace _trace;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _origin;
    private readonly Scenarios.Scenario _scenario;
    private DateTimeOffset _retryAfterUntil = DateTimeOffset.MinValue;

    public UpstreamTap(RunTrace trace, TimeProvider time, DateTimeOffset origin, Scenarios.Scenario scenario, HttpMessageHandler inner)
        : base(inner)
    {
        _trace = trace;
        _time = time;
        _origin = origin;
        _scenario = scenario;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

        // What goes on the wire is a fresh serialisation of the request each time. The in-process simulator reads the
        // content as a stream, which HttpContent caches: a policy re-sending the same message would send an empty body.
        using var wire = new HttpRequestMessage(request.Method, request.RequestUri) { Content = new ByteArrayContent(body) };
        // NonValidated: the values as they go on the wire, without parsing (and allocating) each header per attempt.
        foreach (var header in request.Headers.NonValidated)
        {
            wire.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value);
        }

        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers.NonValidated)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    wire.Content.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value);
                }
            }
        }

        if (request.Options.TryGetValue(PlanOption, out var plan))
        {
            var attempt = ++_trace.AttemptsPerRequest[plan.Index];
            var at = (now - _origin).TotalSeconds;
            if (attempt > 1)
            {
                _trace.EarlyRetries += at < _trace.RetryAfterUntil[plan.Index] ? 1 : 0;
                _trace.EarlyRetriesClientWide += now < _retryAfterUntil ? 1 : 0;
                _trace.EarlyRetriesKeyWide += at < _trace.KeyRetryAfterUntil ? 1 : 0;
            }

            var model = ModelOf(body);
            var served = (model is null ? null : _scenario.FindModel(model)) ?? plan.Model;
            var pinned = _scenario.ServiceTimeRedraw && attempt > 1 ? plan with { ServiceZ = RedrawnZ(plan.Index, attempt) } : plan;
            wire.Options.Set(SimulatedUpstream.ServiceTimeOption, pinned.ServiceTimeOn(served));
            wire.Options.Set(SimulatedUpstream.OutputTokensOption, plan.OutputTokens);
        }

        _trace.AttemptTimes.Add((now - _origin).TotalSeconds);
        _trace.OutstandingAttempts++;
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(wire, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _trace.OutstandingAttempts--;
        }

        response.RequestMessage = request;
        _trace.RateLimited += (int)response.StatusCode == 429 ? 1 : 0;
        if (RetryAfterOf(response) is { } wait && wait > TimeSpan.Zero)
        {
            var until = _time.GetUtcNow() + wait;
            if (until > _retryAfterUntil)
            {
                _retryAfterUntil = until;
            }

            var untilSeconds = (until - _origin).TotalSeconds;
            _trace.KeyRetryAfterUntil = Math.Max(_trace.KeyRetryAfterUntil, untilSeconds);
            if (plan is not null)
            {
                _trace.RetryAfterUntil[plan.Index] = Math.Max(_trace.RetryAfterUntil[plan.Index], untilSeconds);
            }
        }

        return response;
    }

    /// <summary>
    /// The standard-normal quantile of attempt <paramref name="attempt"/> (2, 3, …) of request <paramref name="index"/>
    /// when the scenario redraws service times: a hash of the two (SplitMix64) through Box–Muller, so it is fresh for
    /// every attempt yet the same in every run and for every policy. The first attempt keeps the plan's quantile, the
    /// one the oracle uses.
    /// </summary>
    internal static double RedrawnZ(int index, int attempt)
    {
        var state = ((ulong)(uint)index << 32) | (uint)attempt;
        var u1 = 1.0 - Unit(SplitMix64(ref state)); // (0, 1]
        var u2 = Unit(SplitMix64(ref state));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);

        static double Unit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var msValue) && msValue >= 0)
        {
            return TimeSpan.FromMilliseconds(msValue);
        }

        if (response.Headers.TryGetValues("retry-after", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }

    internal static string? ModelOf(ReadOnlySpan<byte> body)
    {
        var i = body.IndexOf(ModelKey);
        if (i < 0)
        {
            return null;
        }

        var rest = body[(i + ModelKey.Length)..];
        var end = rest.IndexOf((byte)'"');
        return end < 0 ? null : Encoding.UTF8.GetString(rest[..end]);
    }
}
