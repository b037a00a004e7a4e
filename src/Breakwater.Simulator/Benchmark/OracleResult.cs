namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// The oracle's outcome: the best discipline's successes and which logical requests it serves within D (and on which
/// model), each discipline's successes, and how many requests no one can serve (service time above D on every model
/// they may use).
/// </summary>
internal sealed record OracleResult(int Successes, bool[] Succeeded, string?[] ServedModel)
{
    /// <summary>The discipline whose run is reported (the one with the most successes; the first listed on a tie).</summary>
    public OracleDiscipline Best { get; init; }

    /// <summary>Successes of newest-first.</summary>
    public int NewestFirstSuccesses { get; init; }

    /// <summary>Successes of FIFO with a cutoff, at its best cutoff.</summary>
    public int FifoSuccesses { get; init; }

    /// <summary>The cutoff factor k of the best FIFO run (drop once waited &gt; D − k × mean service).</summary>
    public double FifoCutoff { get; init; }

    /// <summary>Successes of earliest-deadline-first.</summary>
    public int EdfSuccesses { get; init; }

    /// <summary>Requests whose service time exceeds D on their own model and every later model of the fallback chain.</summary>
    public int Impossible { get; init; }
}
