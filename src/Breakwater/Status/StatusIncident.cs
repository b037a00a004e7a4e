namespace Breakwater.Status;

/// <summary>One incident as the status page described it.</summary>
public sealed record StatusIncident
{
    /// <summary>The page's incident id (may be empty when the page left it out).</summary>
    public string Id { get; init; } = "";

    /// <summary>The incident's title.</summary>
    public string Name { get; init; } = "";

    /// <summary>The lifecycle status.</summary>
    public IncidentStatus Status { get; init; }

    /// <summary>The status exactly as sent (kept for unknown values), or empty.</summary>
    public string StatusText { get; init; } = "";

    /// <summary>The impact.</summary>
    public IncidentImpact Impact { get; init; }

    /// <summary>When the incident was created on the page, or <c>null</c>.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When the incident says it started (<c>started_at</c>), or <c>null</c>.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it was last updated, or <c>null</c>.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>When it was resolved, or <c>null</c> while it is open.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The text of the most recent update, or <c>null</c>.</summary>
    public string? LatestUpdate { get; init; }

    /// <summary>When the most recent update was posted, or <c>null</c>.</summary>
    public DateTimeOffset? LatestUpdateAt { get; init; }

    /// <summary>The incident's short link (for example <c>https://stspg.io/abc</c>), or <c>null</c>.</summary>
    public string? Shortlink { get; init; }

    /// <summary><c>true</c> while the incident is open: not resolved and not in post-mortem.</summary>
    public bool IsActive => ResolvedAt is null && Status is not (IncidentStatus.Resolved or IncidentStatus.Postmortem);

    /// <summary>The earliest time the incident is known to cover: started, else created.</summary>
    public DateTimeOffset? Start => StartedAt is { } s && (CreatedAt is null || s < CreatedAt) ? s : CreatedAt ?? StartedAt;
}
