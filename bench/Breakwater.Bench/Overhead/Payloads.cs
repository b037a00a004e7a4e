using System.Text;

namespace Breakwater.Bench.Overhead;

/// <summary>The fixed request and answers every path sees: a short Messages call, as JSON and as an SSE stream.</summary>
internal static class Payloads
{
    public const string ApiKey = "sk-ant-bench-not-a-real-key";
    public const string AnthropicVersion = "2023-06-01";

    public const string JsonRequest =
        """{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"Say hello in one word."}]}""";

    public const string StreamRequest =
        """{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Say hello in one word."}]}""";

    public const string JsonResponse =
        """{"id":"msg_bench01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"Hello!"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":14,"output_tokens":3}}""";

    /// <summary>A complete short stream: start, a ping, five deltas, stop (about 1.6 KB).</summary>
    public static string SseResponse { get; } = BuildSse();

    /// <summary>The head of a stream up to and including the first delta: what the hold-open upstream sends before it waits.</summary>
    public static string SseHead { get; } = string.Concat(
        Event("message_start", """{"type":"message_start","message":{"id":"msg_bench01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":14,"output_tokens":1}}}"""),
        Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        Event("ping", """{"type":"ping"}"""),
        Delta("Hel"));

    private static string BuildSse()
    {
        var sb = new StringBuilder(SseHead);
        foreach (var text in new[] { "lo", "!", " How", " are you?" })
        {
            sb.Append(Delta(text));
        }

        sb.Append(Event("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        sb.Append(Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}"""));
        sb.Append(Event("message_stop", """{"type":"message_stop"}"""));
        return sb.ToString();
    }

    private static string Delta(string text) =>
        Event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}");

    private static string Event(string name, string data) => $"event: {name}\ndata: {data}\n\n";
}
