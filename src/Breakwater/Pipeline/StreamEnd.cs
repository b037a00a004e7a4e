namespace Breakwater.Pipeline;

/// <summary>How a passed-through stream ended.</summary>
/// <param name="Completed">message_stop was delivered.</param>
/// <param name="UpstreamErrorType">The error.type of an upstream error event after the first delta, if any.</param>
/// <param name="Failure">The connection failure or truncation, if any.</param>
/// <param name="CallerAbandoned">The caller disposed the stream before its end.</param>
internal readonly record struct StreamEnd(bool Completed, string? UpstreamErrorType, Exception? Failure, bool CallerAbandoned = false);
