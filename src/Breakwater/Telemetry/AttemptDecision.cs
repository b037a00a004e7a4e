namespace Breakwater.Telemetry;

/// <summary>What was decided after a failed attempt, as recorded in the journal.</summary>
public enum AttemptDecision
{
    /// <summary>Retried the same model.</summary>
    Retried,
    /// <summary>Moved to the next model of the fallback chain.</summary>
    FellBack,
    /// <summary>Gave up: the failure went to the caller.</summary>
    GaveUp,
    /// <summary>The failure reached the caller inside a stream (after text was delivered).</summary>
    Delivered,
}
