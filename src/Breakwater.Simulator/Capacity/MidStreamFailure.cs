namespace Breakwater.Simulator.Capacity;

/// <summary>Whether and where a stream fails with an SSE overloaded_error.</summary>
internal enum MidStreamFailure
{
    None,
    BeforeFirstDelta,
    AfterDeltas,
}
