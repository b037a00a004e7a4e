namespace Breakwater.Simulator.Benchmark;

/// <summary>The queue disciplines the oracle tries on the same plan (docs/benchmarks.md, "The oracle"); it reports the best.</summary>
internal enum OracleDiscipline
{
    /// <summary>Newest request first; a request that has waited D is dropped.</summary>
    NewestFirst,

    /// <summary>Oldest request first; a request is dropped once it has waited longer than D − k × its model's mean service time.</summary>
    FifoCutoff,

    /// <summary>
    /// Earliest deadline first across a model's own queue and the queues that may fall back onto it; a request is
    /// not started on a model when its remaining time is below that model's mean service time, and is dropped once
    /// that holds for its own model and every later model of the fallback chain.
    /// </summary>
    EarliestDeadline,
}
