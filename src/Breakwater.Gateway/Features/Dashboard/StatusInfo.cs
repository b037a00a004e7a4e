namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>What the status page says (<c>Enabled = false</c> when the gateway does not watch it).</summary>
internal sealed record StatusInfo(bool Enabled, bool Known, string Indicator, string? Description, string? ApiComponent, string? ApiComponentStatus, IncidentInfo? Incident, string? Error, DateTimeOffset? FetchedAt);
