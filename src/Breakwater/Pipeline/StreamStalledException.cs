namespace Breakwater.Pipeline;

/// <summary>
/// A stream whose headers arrived went silent past the idle timeout (or the call's deadline) before its first content
/// delta: an attempt timeout that, unlike one before the headers, has the attempt's request_id.
/// </summary>
internal sealed class StreamStalledException : TimeoutException
{
    public StreamStalledException(string message, string? requestId, Exception inner)
        : base(message, inner)
    {
        RequestId = requestId;
    }

    /// <summary>The stalled attempt's <c>request-id</c> header, if it had one.</summary>
    public string? RequestId { get; }
}
