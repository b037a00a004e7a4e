namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>The counts of one 10-second bucket.</summary>
internal sealed record SeriesPoint(DateTimeOffset At, int Requests, int FailedRequests, int Overloaded, int RateLimited, int OtherFailures, int Refused, int Fallbacks);
