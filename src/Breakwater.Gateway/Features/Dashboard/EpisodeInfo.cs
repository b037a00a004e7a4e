namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>One episode.</summary>
internal sealed record EpisodeInfo(
    DateTimeOffset First,
    DateTimeOffset Last,
    int Count,
    int GaveUp,
    IReadOnlyDictionary<string, int> ByKind,
    IReadOnlyDictionary<string, int> ByModel,
    IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyList<string> RequestIds,
    int MoreRequestIds,
    IncidentInfo? Incident);
