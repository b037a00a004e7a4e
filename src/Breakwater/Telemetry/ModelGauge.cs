namespace Breakwater.Telemetry;

/// <summary>One (client, model)'s gauges at collection time.</summary>
/// <param name="Client">The client name.</param>
/// <param name="Model">The model ("" when the body named none).</param>
/// <param name="Limit">The adaptive concurrency limit.</param>
/// <param name="InFlight">Attempts holding a slot.</param>
/// <param name="Queued">Calls waiting for a slot.</param>
/// <param name="ThrottleProbability">The probability of a local rejection.</param>
/// <param name="BreakerState">0 closed, 1 half-open, 2 open, 3 isolated.</param>
internal readonly record struct ModelGauge(string Client, string Model, int Limit, int InFlight, int Queued, double ThrottleProbability, int BreakerState);
