namespace Breakwater.Anthropic;

/// <summary>One server-sent event.</summary>
/// <param name="Event">The event name (<c>message</c> when the stream named none).</param>
/// <param name="Data">The data lines joined with <c>\n</c>.</param>
/// <param name="Id">The last event id seen, or <c>null</c>.</param>
internal readonly record struct SseEvent(string Event, string Data, string? Id);
