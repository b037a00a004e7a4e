namespace Breakwater.Simulator.Background;

/// <summary>What the background callers of one model met so far.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Arrivals">Background requests that arrived.</param>
/// <param name="Served">Got a slot, at once or after queueing.</param>
/// <param name="Queued">Waited in the queue (served later or abandoned).</param>
/// <param name="Rejected">Answered 529 overloaded_error (the queue was full).</param>
/// <param name="Abandoned">Gave up in the queue after the attempt timeout.</param>
/// <param name="RateLimited">Refused by the background key's rate limits (scenarios with <c>rateLimits</c> only); never reached the capacity model.</param>
internal sealed record BackgroundCounts(string Model, long Arrivals, long Served, long Queued, long Rejected, long Abandoned, long RateLimited);
