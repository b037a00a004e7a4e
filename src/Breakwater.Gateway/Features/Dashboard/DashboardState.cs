namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>The body of <c>GET /breakwater/state</c>, polled by the dashboard. Holds no credential.</summary>
internal sealed record DashboardState(
    GatewayInfo Gateway,
    BudgetInfo Budget,
    IReadOnlyList<ModelInfo> Models,
    int BucketSeconds,
    IReadOnlyList<SeriesPoint> Series,
    TrafficTotals Totals,
    IReadOnlyList<FailureInfo> Failures,
    IReadOnlyList<FallbackEntry> Fallbacks,
    EpisodesInfo Episodes,
    StatusInfo Status,
    JobsInfo Jobs);
