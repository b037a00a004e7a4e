namespace Breakwater.Gateway.Features.Health;

/// <summary>The body of <c>GET /healthz</c>.</summary>
/// <param name="Status">Always <c>ok</c> while the gateway serves.</param>
internal sealed record HealthStatus(string Status);
