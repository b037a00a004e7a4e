namespace Breakwater.Gateway.Features.Health;

/// <summary>One degraded model in <c>GET /healthz</c>.</summary>
/// <param name="Model">The model name (cut to <see cref="HealthEndpoints.MaxNameLength"/> characters).</param>
/// <param name="Breaker"><c>closed</c>, <c>open</c>, <c>half-open</c> or <c>isolated</c>.</param>
/// <param name="Limit">The adaptive concurrency limit now.</param>
/// <param name="RecoveryLimit">Where the limit returns once the model has been quiet (Breakwater:Concurrency:InitialLimit).</param>
/// <param name="InFlight">Calls holding a slot.</param>
/// <param name="Queued">Calls waiting for a slot.</param>
internal sealed record DegradedModel(string Model, string Breaker, int Limit, int RecoveryLimit, int InFlight, int Queued);
