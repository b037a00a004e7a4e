namespace Breakwater.Simulator.Scenarios;

/// <summary>
/// A benchmark variant: a share of requests may wait (durable deferral). Such requests are tried live as
/// usual; a policy that can defer (<c>breakwater-defer</c>) turns a capacity give-up into a job that must complete
/// within <see cref="DeadlineSeconds"/> of the request's arrival. The simulator itself ignores this section.
/// </summary>
public sealed record ScenarioDeferral
{
    /// <summary>Share of requests that are deferrable (required, in [0, 1]); drawn from the seed apart from the arrivals, so the plan is otherwise unchanged.</summary>
    public double Fraction { get; init; }

    /// <summary>A deferrable request's deadline, in seconds after its arrival (default 7,200: two hours).</summary>
    public double DeadlineSeconds { get; init; } = 7200;
}
