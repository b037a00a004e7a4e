namespace Breakwater.Status;

/// <summary>An incident's impact.</summary>
public enum IncidentImpact
{
    /// <summary>Absent or a value not known here.</summary>
    Unknown = 0,
    /// <summary><c>none</c>.</summary>
    None,
    /// <summary><c>minor</c>.</summary>
    Minor,
    /// <summary><c>major</c>.</summary>
    Major,
    /// <summary><c>critical</c>.</summary>
    Critical,
    /// <summary><c>maintenance</c>.</summary>
    Maintenance,
}
