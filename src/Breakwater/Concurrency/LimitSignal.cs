namespace Breakwater.Concurrency;

/// <summary>What the end of a call held under the limit says about capacity.</summary>
internal enum LimitSignal
{
    /// <summary>Nothing about capacity (a 4xx, a cancellation).</summary>
    Neutral,
    /// <summary>Served: the limit may grow.</summary>
    Success,
    /// <summary>Overloaded or timed out: the limit shrinks.</summary>
    Overload,
}
