namespace Breakwater.Simulator.Benchmark;

/// <summary>A benchmark run broke one of its invariants (a policy above the oracle, work left in flight at the end): the figures cannot be trusted.</summary>
public sealed class BenchmarkInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    public BenchmarkInvariantException()
    {
    }

    /// <summary>Creates the exception with the figures that broke the invariant.</summary>
    public BenchmarkInvariantException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the figures and the cause.</summary>
    public BenchmarkInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
