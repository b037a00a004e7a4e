namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>The client-wide retry budget over its window.</summary>
internal sealed record BudgetInfo(long FirstAttempts, long Retries, double Ratio, int MinRetries);
