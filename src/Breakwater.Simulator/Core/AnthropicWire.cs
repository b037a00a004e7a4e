using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Breakwater.Simulator.Core;

/// <summary>The Messages API's JSON and SSE shapes, byte for byte as the real API sends them.</summary>
internal static class AnthropicWire
{
    private static readonly string[] Words =
        ["The", "breakwater", "holds", "while", "the", "storm", "passes;", "retries", "wait", "their", "turn,", "and", "every", "request", "keeps", "its", "id."];

    public static string DefaultMessageFor(int status) => status switch
    {
        400 => "Invalid request",
        401 => "invalid x-api-key",
        403 => "Your API key does not have permission to use the specified resource.",
        404 => "Not found",
        413 => "Request exceeds the maximum allowed number of bytes.",
        429 => "This request would exceed your organization's rate limit. Please try again later.",
        500 => "Internal server error",
        504 => "Request timed out",
        529 => "Overloaded",
        _ => "Error",
    };

    public static byte[] MaskedPage() => Encoding.UTF8.GetBytes(
        "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n" +
        "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n");

    public static string Text(int tokens, int seed)
    {
        var sb = new StringBuilder(tokens * 7);
        for (var i = 0; i < tokens; i++)
        {
            if (sb.Length > 0)
            {
                sb.Append(' ');
            }

            sb.Append(Words[(seed + i) % Words.Length]);
        }

        return sb.ToString();
    }

    /// <summary>Longest text kept in <see cref="TextUtf8"/>'s cache (the benchmark caps output at 1,024 tokens).</summary>
    private const int CachedTextTokens = 4096;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte[]> TextCache = new();

    /// <summary>
    /// <see cref="Text"/> with seed 0 as UTF-8, cached per length: every non-streaming success of a run carries one, and
    /// building it afresh (a StringBuilder, a string, its UTF-8 copy) was most of the simulator's allocation.
    /// </summary>
    public static byte[] TextUtf8(int tokens) =>
        tokens is > 0 and <= CachedTextTokens
            ? TextCache.GetOrAdd(tokens, static t => Encoding.UTF8.GetBytes(Text(t, 0)))
            : Encoding.UTF8.GetBytes(Text(tokens, 0));

    public static byte[] Message(string id, string model, string text, int inputTokens, int outputTokens, string stopReason) =>
        Message(id, model, Encoding.UTF8.GetBytes(text), inputTokens, outputTokens, stopReason);

    public static byte[] Message(string id, string model, byte[] textUtf8, int inputTokens, int outputTokens, string stopReason)
    {
        return Json(
            w =>
        {
            w.WriteString("id", id);
            w.WriteString("type", "message");
            w.WriteString("role", "assistant");
            w.WriteString("model", model);
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", textUtf8);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteString("stop_reason", stopReason);
            w.WriteNull("stop_sequence");
            WriteUsage(w, inputTokens, outputTokens);
        },
            textUtf8.Length + 384);
    }

    public static byte[] MessageStart(string id, string model, int inputTokens) => Event("message_start", w =>
    {
        w.WriteString("type", "message_start");
        w.WriteStartObject("message");
        w.WriteString("id", id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", model);
        w.WriteStartArray("content");
        w.WriteEndArray();
        w.WriteNull("stop_reason");
        w.WriteNull("stop_sequence");
        WriteUsage(w, inputTokens, 1);
        w.WriteEndObject();
    });

    public static byte[] ContentBlockStart() => Event("content_block_start", w =>
    {
        w.WriteString("type", "content_block_start");
        w.WriteNumber("index", 0);
        w.WriteStartObject("content_block");
        w.WriteString("type", "text");
        w.WriteString("text", "");
        w.WriteEndObject();
    });

    public static byte[] Ping() => Event("ping", w => w.WriteString("type", "ping"));

    public static byte[] ContentBlockDelta(string text) => Event("content_block_delta", w =>
    {
        w.WriteString("type", "content_block_delta");
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        w.WriteString("type", "text_delta");
        w.WriteString("text", text);
        w.WriteEndObject();
    });

    public static byte[] ContentBlockStop() => Event("content_block_stop", w =>
    {
        w.WriteString("type", "content_block_stop");
        w.WriteNumber("index", 0);
    });

    public static byte[] MessageDelta(string stopReason, int outputTokens) => Event("message_delta", w =>
    {
        w.WriteString("type", "message_delta");
        w.WriteStartObject("delta");
        w.WriteString("stop_reason", stopReason);
        w.WriteNull("stop_sequence");
        w.WriteEndObject();
        w.WriteStartObject("usage");
        w.WriteNumber("output_tokens", outputTokens);
        w.WriteEndObject();
    });

    public static byte[] MessageStop() => Event("message_stop", w => w.WriteString("type", "message_stop"));

    /// <summary>Frames one SSE event: <c>event: NAME\ndata: JSON\n\n</c>.</summary>
    public static byte[] Frame(string eventName, ReadOnlySpan<byte> data)
    {
        var buffer = new ArrayBufferWriter<byte>(data.Length + eventName.Length + 20);
        buffer.Write("event: "u8);
        buffer.Write(Encoding.UTF8.GetBytes(eventName));
        buffer.Write("\ndata: "u8);
        buffer.Write(data);
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Json(Action<Utf8JsonWriter> body, int sizeHint = 256)
    {
        var buffer = new ArrayBufferWriter<byte>(sizeHint);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static byte[] Event(string name, Action<Utf8JsonWriter> body) => Frame(name, Json(body));

    private static void WriteUsage(Utf8JsonWriter w, int inputTokens, int outputTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", inputTokens);
        w.WriteNumber("cache_creation_input_tokens", 0);
        w.WriteNumber("cache_read_input_tokens", 0);
        w.WriteNumber("output_tokens", outputTokens);
        w.WriteString("service_tier", "standard");
        w.WriteEndObject();
    }
}
