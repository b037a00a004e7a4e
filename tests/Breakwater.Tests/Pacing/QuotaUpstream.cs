using System.Globalization;
using System.Net;
using System.Text;

namespace Breakwater.Tests.Pacing;

/// <summary>
/// An upstream that enforces a request quota per API key in fixed windows (aligned to <paramref name="origin"/>),
/// answering every call with <c>anthropic-ratelimit-requests-{limit,remaining,reset}</c>, and with
/// <c>429 rate_limit_error</c> plus <c>retry-after</c> (seconds to the reset, rounded up) once the window is spent.
/// </summary>
internal sealed class QuotaUpstream(TimeProvider time, DateTimeOffset origin, int limit, TimeSpan window)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Key, long Window), int> _used = [];

    public List<(DateTimeOffset At, string Key, int Status)> Log { get; } = [];

    public int Count(int status)
    {
        lock (_lock)
        {
            return Log.Count(l => l.Status == status);
        }
    }

    public Task<HttpResponseMessage> Respond(int n, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = request.Headers.TryGetValues("x-api-key", out var v) ? v.First() : "";
        var index = (now - origin).Ticks / window.Ticks;
        var reset = origin + TimeSpan.FromTicks(window.Ticks * (index + 1));
        HttpResponseMessage response;
        lock (_lock)
        {
            var used = _used.GetValueOrDefault((key, index));
            if (used < limit)
            {
                _used[(key, index)] = ++used;
                response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(TestKit.Api.MessageJson, Encoding.UTF8, "application/json") };
                response.Headers.TryAddWithoutValidation("request-id", $"req_{n}");
            }
            else
            {
                response = TestKit.Api.Error(429, "rate_limit_error", $"req_rl_{n}", ("retry-after", Math.Ceiling((reset - now).TotalSeconds).ToString(CultureInfo.InvariantCulture)));
            }

            response.Headers.TryAddWithoutValidation("anthropic-ratelimit-requests-limit", limit.ToString(CultureInfo.InvariantCulture));
            response.Headers.TryAddWithoutValidation("anthropic-ratelimit-requests-remaining", (limit - used).ToString(CultureInfo.InvariantCulture));
            response.Headers.TryAddWithoutValidation("anthropic-ratelimit-requests-reset", reset.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            Log.Add((now, key, (int)response.StatusCode));
        }

        return Task.FromResult(response);
    }
}
