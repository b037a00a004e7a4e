using System.Buffers;
using System.Text.Json;

namespace Breakwater.Anthropic;

/// <summary>
/// The one writer of Anthropic-shaped errors: <c>{"type":"error","error":{"type":..,"message":..},"request_id":..}</c>
/// as a JSON body, or framed as an SSE <c>event: error</c>. The library, the gateway and the simulator all answer
/// through it, so a client sees the same bytes whichever part made the error.
/// </summary>
/// <remarks>
/// The JSON goes through <see cref="Utf8JsonWriter"/> with its default options (default encoder, so <c>&lt;</c>,
/// <c>&amp;</c>, <c>'</c>, <c>+</c> and non-ASCII text are written as <c>\uXXXX</c>; no indentation): that is what
/// every former copy wrote, and callers and tests compare these bytes.
/// </remarks>
internal static class AnthropicErrorWriter
{
    /// <summary>The error as a JSON body; <c>request_id</c> is left out when <paramref name="requestId"/> is null.</summary>
    public static byte[] Json(string type, string message, string? requestId)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + message.Length);
        Write(buffer, type, message, requestId);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The error as one SSE frame: <c>event: error\ndata: JSON\n\n</c>.</summary>
    public static byte[] SseEvent(string type, string message, string? requestId)
    {
        var buffer = new ArrayBufferWriter<byte>(160 + message.Length);
        buffer.Write("event: error\ndata: "u8);
        Write(buffer, type, message, requestId);
        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(IBufferWriter<byte> buffer, string type, string message, string? requestId)
    {
        using var w = new Utf8JsonWriter(buffer);
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteStartObject("error");
        w.WriteString("type", type);
        w.WriteString("message", message);
        w.WriteEndObject();
        if (requestId is not null)
        {
            w.WriteString("request_id", requestId);
        }

        w.WriteEndObject();
    }
}
