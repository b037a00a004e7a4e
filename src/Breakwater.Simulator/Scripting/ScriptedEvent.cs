using System.Text.Json;

namespace Breakwater.Simulator.Scripting;

/// <summary>One SSE event of a <see cref="ScriptedResponse"/>.</summary>
public sealed record ScriptedEvent
{
    /// <summary>The event name, e.g. <c>message_start</c>, <c>content_block_delta</c>, <c>error</c> (required).</summary>
    public string Event { get; init; } = "";

    /// <summary>The data: a JSON object is sent as JSON, a string as is. Default: the standard data for the event name
    /// (for <c>error</c>, an overloaded_error with the request's request_id).</summary>
    public JsonElement? Data { get; init; }

    /// <summary>Delay before this event, after the previous one, in milliseconds of simulator time (default 0).</summary>
    public double DelayMs { get; init; }
}
