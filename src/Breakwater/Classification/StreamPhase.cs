namespace Breakwater.Classification;

/// <summary>Where in a response an outcome was observed.</summary>
internal enum StreamPhase
{
    /// <summary>A non-streaming response (or a stream whose status already failed).</summary>
    NotStream = 0,
    /// <summary>In a 200 SSE stream, before the first content_block_delta: nothing has reached the caller, so it may be retried.</summary>
    BeforeFirstDelta,
    /// <summary>In a 200 SSE stream, after the first content_block_delta: the caller has text; never retried.</summary>
    AfterFirstDelta,
}
