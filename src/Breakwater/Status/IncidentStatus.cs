namespace Breakwater.Status;

/// <summary>An incident's lifecycle status.</summary>
public enum IncidentStatus
{
    /// <summary>Absent or a value not known here (the raw text is kept in <see cref="StatusIncident.StatusText"/>).</summary>
    Unknown = 0,
    /// <summary><c>investigating</c>.</summary>
    Investigating,
    /// <summary><c>identified</c>.</summary>
    Identified,
    /// <summary><c>monitoring</c>.</summary>
    Monitoring,
    /// <summary><c>resolved</c>.</summary>
    Resolved,
    /// <summary><c>postmortem</c>.</summary>
    Postmortem,
}
