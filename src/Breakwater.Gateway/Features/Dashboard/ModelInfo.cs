namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>One model's health: breaker (closed, open, half-open, isolated), concurrency and throttle.</summary>
internal sealed record ModelInfo(string Model, string Breaker, int Limit, int InFlight, int Queued, double ThrottleProbability, IReadOnlyList<string> FallsBackTo);
