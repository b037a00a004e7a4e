using System.Text;
using Breakwater.Anthropic;

namespace Breakwater.Tests.Anthropic;

// The bytes below are what the library, the gateway and the simulator each wrote before they shared one writer
// (Utf8JsonWriter, default options): clients and tests compare them, so they must not drift.
public sealed class AnthropicErrorWriterTests
{
    [Fact]
    public void Json_WithRequestId_WritesTypeErrorMessageThenRequestId()
    {
        var json = AnthropicErrorWriter.Json("overloaded_error", "Overloaded", "req_1");

        Assert.Equal("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_1\"}", Encoding.UTF8.GetString(json));
    }

    [Fact]
    public void Json_WithoutRequestId_LeavesTheFieldOut()
    {
        var json = AnthropicErrorWriter.Json("api_error", "Boom", null);

        Assert.Equal("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Boom\"}}", Encoding.UTF8.GetString(json));
    }

    [Fact]
    public void Json_EscapesWithTheDefaultEncoder()
    {
        var json = AnthropicErrorWriter.Json("api_error", "a \"b\" <c> & d'e + é\n", null);

        Assert.Equal(
            "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"a \\u0022b\\u0022 \\u003Cc\\u003E \\u0026 d\\u0027e \\u002B \\u00E9\\n\"}}",
            Encoding.UTF8.GetString(json));
    }

    [Fact]
    public void SseEvent_FramesTheJsonAsOneErrorEvent()
    {
        var frame = AnthropicErrorWriter.SseEvent("api_error", "Broken", "req_bw_1");

        Assert.Equal(
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Broken\"},\"request_id\":\"req_bw_1\"}\n\n",
            Encoding.UTF8.GetString(frame));
    }
}
