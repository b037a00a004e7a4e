using System.Text.Json.Serialization;

namespace Breakwater.Gateway.Features.Health;

/// <summary>The body of <c>GET /healthz</c>.</summary>
/// <param name="Status"><c>ok</c>, or <c>degraded</c> while some model's breaker is not closed or its concurrency limit is below where it recovers to; the answer is 200 either way (liveness: the gateway serves).</param>
/// <param name="Models">The degraded models (at most <see cref="HealthEndpoints.MaxListed"/>); absent when none.</param>
/// <param name="More">How many more degraded models were left out of <paramref name="Models"/>; absent when none.</param>
internal sealed record HealthStatus(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<DegradedModel>? Models = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? More = null);
