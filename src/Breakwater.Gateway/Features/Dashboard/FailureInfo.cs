namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>One failed attempt (newest first in the list).</summary>
internal sealed record FailureInfo(DateTimeOffset At, string Model, int? Status, string Kind, string? ErrorType, string? RequestId, string Decision, string? GiveUp, string? FallbackModel, int Attempt, string? Message);
