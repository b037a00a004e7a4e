namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>A request served by a model other than the one asked for.</summary>
internal sealed record FallbackEntry(DateTimeOffset At, string From, string To, string? RequestId);
