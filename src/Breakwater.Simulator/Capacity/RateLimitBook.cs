using System.Globalization;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Capacity;

/// <summary>Per-key RPM / input-TPM / output-TPM buckets. Not thread-safe: <see cref="CapacityModel"/> holds its lock.</summary>
internal sealed class RateLimitBook(ScenarioRateLimits limits, TimeProvider time)
{
    private readonly Dictionary<string, KeyBuckets> _keys = new(StringComparer.Ordinal);

    public RateLimitResult TryAdmit(string key, int inputTokens)
    {
        var b = Get(key);
        var waitRequests = b.Requests.SecondsUntil(1);
        var waitInput = b.InputTokens.SecondsUntil(inputTokens);
        var waitOutput = b.OutputTokens.SecondsUntil(1);
        var wait = Math.Max(waitRequests, Math.Max(waitInput, waitOutput));
        if (wait > 0)
        {
            var which = wait == waitRequests ? "requests" : wait == waitInput ? "input tokens" : "output tokens";
            return new RateLimitResult { Allowed = false, Limit = which, RetryAfterSeconds = wait, Headers = Headers(b) };
        }

        b.Requests.Take(1);
        b.InputTokens.Take(inputTokens);
        return new RateLimitResult { Allowed = true, Headers = Headers(b) };
    }

    public void ChargeOutput(string key, int outputTokens) => Get(key).OutputTokens.Take(outputTokens);

    public IReadOnlyList<KeyValuePair<string, string>> Peek(string key) => Headers(Get(key));

    private KeyBuckets Get(string key)
    {
        var now = time.GetTimestamp();
        if (!_keys.TryGetValue(key, out var b))
        {
            b = new KeyBuckets(limits.Rpm, limits.Itpm, limits.Otpm, now);
            _keys[key] = b;
        }

        b.Refill(now, time.TimestampFrequency);
        return b;
    }

    private List<KeyValuePair<string, string>> Headers(KeyBuckets b)
    {
        var now = time.GetUtcNow();
        var list = new List<KeyValuePair<string, string>>(12);
        Add(list, "requests", b.Requests, now);
        // "tokens" reports whichever token limit is closest to exhaustion, as the API does.
        var tokens = b.InputTokens.Level / b.InputTokens.Limit <= b.OutputTokens.Level / b.OutputTokens.Limit ? b.InputTokens : b.OutputTokens;
        Add(list, "tokens", tokens, now);
        Add(list, "input-tokens", b.InputTokens, now);
        Add(list, "output-tokens", b.OutputTokens, now);
        return list;
    }

    private static void Add(List<KeyValuePair<string, string>> list, string name, TokenBucket bucket, DateTimeOffset now)
    {
        var prefix = "anthropic-ratelimit-" + name;
        list.Add(new(prefix + "-limit", bucket.Limit.ToString(CultureInfo.InvariantCulture)));
        list.Add(new(prefix + "-remaining", bucket.Remaining.ToString(CultureInfo.InvariantCulture)));
        var reset = now + TimeSpan.FromSeconds(Math.Ceiling(Math.Max(0, bucket.SecondsUntilFull())));
        list.Add(new(prefix + "-reset", reset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
    }
}
