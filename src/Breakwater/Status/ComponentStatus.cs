namespace Breakwater.Status;

/// <summary>A component's status on the page.</summary>
public enum ComponentStatus
{
    /// <summary>Not read, not found, or a value not known here.</summary>
    Unknown = 0,
    /// <summary><c>operational</c>.</summary>
    Operational,
    /// <summary><c>degraded_performance</c>.</summary>
    DegradedPerformance,
    /// <summary><c>partial_outage</c>.</summary>
    PartialOutage,
    /// <summary><c>major_outage</c>.</summary>
    MajorOutage,
    /// <summary><c>under_maintenance</c>.</summary>
    UnderMaintenance,
}
