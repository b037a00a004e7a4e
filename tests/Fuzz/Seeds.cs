using System.Text;

namespace Breakwater.Fuzz;

/// <summary>Valid samples of each input kind: what the mutations start from.</summary>
internal static class Seeds
{
    public static IReadOnlyList<byte[]> Sse { get; } = Utf8(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n" +
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
        "event: ping\ndata: {\"type\":\"ping\"}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n" +
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n" +
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        "event: error\r\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_011\"}\r\n\r\n",
        "\uFEFF: comment\rid: 7\revent:ping\rdata:a\rdata:b\r\r",
        "data: one\ndata: two\nretry: 100\nunknown: x\n\nevent\ndata\n\n");

    public static IReadOnlyList<byte[]> ErrorBodies { get; } = Utf8(
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}",
        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"You have reached your specified API usage limits.\",\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}},\"request_id\":\"req_02\"}",
        "\uFEFF{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}",
        "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error \\u00e9\\ud83d\\ude00\"},\"request_id\":\"req_03\"",
        "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
        "upstream connect error or disconnect/reset before headers. reset reason: overflow",
        "[1,2,3]");

    public static IReadOnlyList<byte[]> RetryHeaders { get; } = Utf8(
        "retry-after: 30",
        "retry-after: 1.5\nx-should-retry: true",
        "retry-after: Wed, 03 Dec 2026 12:00:30 GMT",
        "retry-after: Wednesday, 03-Dec-26 12:00:30 GMT\nx-should-retry: False",
        "retry-after: Wed Dec  3 12:00:30 2026",
        "retry-after-ms: 1250.5\nretry-after: 2",
        "retry-after-ms: junk\nretry-after: 86401");

    public static IReadOnlyList<byte[]> RateLimitHeaders { get; } = Utf8(
        "anthropic-ratelimit-requests-limit: 4000\nanthropic-ratelimit-requests-remaining: 3987\nanthropic-ratelimit-requests-reset: 2026-12-03T12:00:30Z",
        "anthropic-ratelimit-input-tokens-limit: 400000\nanthropic-ratelimit-input-tokens-remaining: 1000\nanthropic-ratelimit-input-tokens-reset: 2026-12-03T12:00:30.123+01:00\nanthropic-ratelimit-output-tokens-limit: 80000\nanthropic-ratelimit-output-tokens-remaining: 80000",
        "anthropic-priority-input-tokens-limit: 1000\nanthropic-priority-input-tokens-remaining: 0\nanthropic-ratelimit-unified-status: allowed",
        "anthropic-ratelimit-tokens-limit: -1\nanthropic-ratelimit-tokens-remaining: 99999999999999999999\nanthropic-ratelimit-tokens-reset: 2026-13-45T99:99:99Z");

    public static IReadOnlyList<byte[]> RequestBodies { get; } = Utf8(
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi \\u00e9\"}]}],\"metadata\":{\"model\":\"inner\"}}",
        "{\"stream\":{\"a\":1},\"model\":\"claude-haiku-4-5\\u0000\",\"system\":\"x\"}",
        "  {\"model\" : \"m\", /* comment */ \"stream\": false, }  ");

    public static IReadOnlyList<byte[]> StatusPages { get; } = Utf8(
        "{\"page\":{\"id\":\"x\"},\"status\":{\"indicator\":\"major\",\"description\":\"Partial System Outage\"},\"components\":[{\"name\":\"Claude API\",\"status\":\"partial_outage\"},{\"name\":\"claude.ai\",\"status\":\"operational\"}],\"incidents\":[{\"id\":\"inc1\",\"name\":\"Elevated errors on Claude Sonnet\",\"status\":\"investigating\",\"impact\":\"major\",\"created_at\":\"2026-12-03T11:00:00.000Z\",\"updated_at\":\"2026-12-03T11:30:00Z\",\"shortlink\":\"https://stspg.io/x\",\"incident_updates\":[{\"status\":\"investigating\",\"body\":\"We are investigating.\",\"created_at\":\"2026-12-03T11:00:00Z\"}]}]}",
        "{\"incidents\":[{\"id\":\"inc2\",\"name\":\"Resolved\",\"status\":\"resolved\",\"impact\":\"minor\",\"resolved_at\":\"2026-12-02T10:00:00Z\"}]}",
        "{\"status\":{\"indicator\":\"none\",\"description\":\"All Systems Operational\"},\"components\":[]}");

    public static IReadOnlyList<byte[]> Durations { get; } = Utf8("90s", "30m", "2h", "1d", " 15M ", "3650d", "0s", "-5m", "1.5h", "99999999999d");

    private static byte[][] Utf8(params string[] samples) => [.. samples.Select(Encoding.UTF8.GetBytes)];
}
