namespace Breakwater.Cli.Tests.Doctor;

/// <summary>One canned Messages response, shaped like the real API's.</summary>
internal sealed record CannedResponse(int Status, string Body, IReadOnlyDictionary<string, string> Headers, string ContentType = "application/json")
{
    private static int _ids;

    public static string NextRequestId() => $"req_011Cfake{Interlocked.Increment(ref _ids):D6}";

    public static Dictionary<string, string> RateLimits(long remaining, long limit = 50) => new()
    {
        ["anthropic-ratelimit-requests-limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["anthropic-ratelimit-requests-remaining"] = remaining.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["anthropic-ratelimit-requests-reset"] = "2026-03-02T09:16:00Z",
        ["anthropic-ratelimit-input-tokens-limit"] = "50000",
        ["anthropic-ratelimit-input-tokens-remaining"] = "49990",
        ["anthropic-ratelimit-input-tokens-reset"] = "2026-03-02T09:16:00Z",
    };

    public static CannedResponse Ok()
    {
        var id = NextRequestId();
        var headers = RateLimits(49);
        headers["request-id"] = id;
        return new(200, """{"id":"msg_01","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"pong"}],"stop_reason":"end_turn","usage":{"input_tokens":8,"output_tokens":2}}""", headers);
    }

    public static CannedResponse Error(int status, string type, string message, Dictionary<string, string>? headers = null)
    {
        var id = NextRequestId();
        headers ??= [];
        headers["request-id"] = id;
        return new(status, $$"""{"type":"error","error":{"type":"{{type}}","message":"{{message}}"},"request_id":"{{id}}"}""", headers);
    }

    public static CannedResponse Overloaded() => Error(529, "overloaded_error", "Overloaded", RateLimits(49));

    public static CannedResponse ProxyPage() =>
        new(503, "<html><body><h1>503 Service Unavailable</h1></body></html>", new Dictionary<string, string>(), "text/html");
}
