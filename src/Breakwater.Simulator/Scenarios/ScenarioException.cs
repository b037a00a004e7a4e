namespace Breakwater.Simulator.Scenarios;

/// <summary>A scenario could not be found or is invalid. <see cref="Problems"/> lists every problem found, not just the first.</summary>
public sealed class ScenarioException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScenarioException(string source, IReadOnlyList<string> problems)
        : base(Format(source, problems))
    {
        Source = source;
        Problems = problems;
    }

    /// <summary>Creates the exception with a single message.</summary>
    public ScenarioException(string message)
        : base(message)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception.</summary>
    public ScenarioException()
        : this("Invalid scenario.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public ScenarioException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Format(string source, IReadOnlyList<string> problems)
        => $"Scenario {source} is invalid ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):" + string.Concat(problems.Select(p => "\n  - " + p));
}
