namespace Breakwater.Status;

/// <summary>What <c>/api/v2/summary.json</c> said, or "unknown" when the page could not be read.</summary>
public sealed record StatusPageResult
{
    /// <summary><c>false</c> when the page was unreachable, slow or malformed: every other value is then unknown.</summary>
    public bool IsKnown { get; init; }

    /// <summary>The overall indicator.</summary>
    public StatusIndicator Indicator { get; init; }

    /// <summary>The page's own description (for example "All Systems Operational"), or <c>null</c>.</summary>
    public string? Description { get; init; }

    /// <summary>The name of the component read as the API, or <c>null</c> when none matched.</summary>
    public string? ApiComponentName { get; init; }

    /// <summary>The API component's status.</summary>
    public ComponentStatus ApiComponentStatus { get; init; }

    /// <summary>The unresolved incidents listed by the summary.</summary>
    public IReadOnlyList<StatusIncident> Incidents { get; init; } = [];

    /// <summary>When this result was obtained.</summary>
    public DateTimeOffset FetchedAt { get; init; }

    /// <summary>Why the page reads as unknown (for example "timeout", "http 503", "malformed json"), or <c>null</c>.</summary>
    public string? Error { get; init; }

    /// <summary>The first open incident, or <c>null</c>.</summary>
    public StatusIncident? ActiveIncident => Incidents.FirstOrDefault(i => i.IsActive);

    /// <summary>An unknown result.</summary>
    public static StatusPageResult Unknown(string error, DateTimeOffset at) => new() { IsKnown = false, Error = error, FetchedAt = at };
}
