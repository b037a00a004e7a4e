namespace Breakwater.Status;

/// <summary>What <c>/api/v2/incidents.json</c> or <c>/api/v2/incidents/unresolved.json</c> said.</summary>
public sealed record StatusIncidentList
{
    /// <summary><c>false</c> when the page was unreachable, slow or malformed (then <see cref="Incidents"/> is empty).</summary>
    public bool IsKnown { get; init; }

    /// <summary>The incidents, newest first as the page sends them.</summary>
    public IReadOnlyList<StatusIncident> Incidents { get; init; } = [];

    /// <summary>When this list was obtained.</summary>
    public DateTimeOffset FetchedAt { get; init; }

    /// <summary>Why the list reads as unknown, or <c>null</c>.</summary>
    public string? Error { get; init; }

    /// <summary>An unknown list.</summary>
    public static StatusIncidentList Unknown(string error, DateTimeOffset at) => new() { IsKnown = false, Error = error, FetchedAt = at };
}
