using System.Text.Json;

namespace Breakwater.Simulator.Scripting;

/// <summary>
/// A canned response served, in order, to the next request on <see cref="Path"/>, before validation and before the
/// capacity model. Only <see cref="Status"/> is needed: an error status gets the standard Anthropic error body (with
/// request_id), a 200 gets a normal message (JSON, or the full SSE sequence when the request streams).
/// </summary>
public sealed record ScriptedResponse
{
    /// <summary>The HTTP status (default 200).</summary>
    public int Status { get; init; } = 200;

    /// <summary>Extra response headers, e.g. <c>retry-after</c> (default none).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The body: a JSON object/array is sent as JSON, a JSON string as raw text (default: generated).</summary>
    public JsonElement? Body { get; init; }

    /// <summary>The content type of <see cref="Body"/> (default application/json, or text/html for a string starting with &lt;).</summary>
    public string? ContentType { get; init; }

    /// <summary>SSE events to send with a 200 instead of the generated sequence (default none).</summary>
    public IReadOnlyList<ScriptedEvent>? Events { get; init; }

    /// <summary>Delay before the status and headers go out, in milliseconds of simulator time (default 0).</summary>
    public double DelayMs { get; init; }

    /// <summary>Leave out the request-id header and body field, as a proxy's page would (default false).</summary>
    public bool OmitRequestId { get; init; }

    /// <summary>The request path it answers (default <c>/v1/messages</c>).</summary>
    public string Path { get; init; } = "/v1/messages";
}
