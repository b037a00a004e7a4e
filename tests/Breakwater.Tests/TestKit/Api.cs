using System.Net;
using System.Text;

namespace Breakwater.Tests.TestKit;

/// <summary>Canned Anthropic responses.</summary>
internal static class Api
{
    public const string Key = "sk-ant-api03-SECRET-TEST-KEY-never-log-me";

    public static string ErrorJson(string type, string message, string? requestId) =>
        "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}" +
        (requestId is null ? "" : ",\"request_id\":\"" + requestId + "\"") + "}";

    public static HttpResponseMessage Error(int status, string type, string requestId, params (string Name, string Value)[] headers)
    {
        var r = new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent(ErrorJson(type, type == "overloaded_error" ? "Overloaded" : "error " + type, requestId), Encoding.UTF8, "application/json"),
        };
        r.Headers.TryAddWithoutValidation("request-id", requestId);
        foreach (var (n, v) in headers)
        {
            r.Headers.TryAddWithoutValidation(n, v);
        }

        return r;
    }

    public static HttpResponseMessage Overloaded(string requestId, params (string Name, string Value)[] headers) => Error(529, "overloaded_error", requestId, headers);

    public static HttpResponseMessage Html(int status, string html = "<html><body><h1>503 Service Unavailable</h1></body></html>")
    {
        return new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(html, Encoding.UTF8, "text/html") };
    }

    public const string MessageJson = "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-6\",\"content\":[{\"type\":\"text\",\"text\":\"Hello!\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":3}}";

    public static HttpResponseMessage Ok(string requestId, string body = MessageJson)
    {
        var r = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        r.Headers.TryAddWithoutValidation("request-id", requestId);
        return r;
    }

    public static string Event(string name, string data) => $"event: {name}\ndata: {data}\n\n";

    public static string MessageStart(string model = "claude-sonnet-4-6") => Event("message_start",
        "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"" + model + "\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}");

    public static string BlockStart => Event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");

    public static string Ping => Event("ping", "{\"type\":\"ping\"}");

    public static string Delta(string text) => Event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}");

    public static string End => Event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}") +
        Event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}") +
        Event("message_stop", "{\"type\":\"message_stop\"}");

    public static string StreamError(string type) => Event("error", "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"Overloaded\"}}");

    public static string FullStream(params string[] deltas) => MessageStart() + BlockStart + Ping + string.Concat(deltas.Select(Delta)) + End;

    public static HttpResponseMessage Sse(string requestId, string events) => Sse(requestId, new MemoryStream(Encoding.UTF8.GetBytes(events)));

    public static HttpResponseMessage Sse(string requestId, Stream body)
    {
        var content = new StreamContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", "text/event-stream; charset=utf-8");
        var r = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        r.Headers.TryAddWithoutValidation("request-id", requestId);
        return r;
    }

    public static HttpRequestMessage Request(bool stream = false, string model = "claude-sonnet-4-6")
    {
        var body = "{\"model\":\"" + model + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]" + (stream ? ",\"stream\":true" : "") + "}";
        var r = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        r.Headers.TryAddWithoutValidation("x-api-key", Key);
        r.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        return r;
    }
}
