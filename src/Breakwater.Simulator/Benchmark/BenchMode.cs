namespace Breakwater.Simulator.Benchmark;

/// <summary>
/// How the policy under test is deployed in a run (docs/benchmarks.md, "Deployment modes"): <c>clients</c>, 50
/// application instances each with its own policy state; <c>gateway</c>, every call through one policy instance (as
/// <c>breakwater serve</c> runs); <c>tenant-&lt;background&gt;</c>, the policy carries clients 0–9 of 50 and the other
/// 80 % run <see cref="Background"/>.
/// </summary>
/// <param name="Name">The mode's name in the report and on the command line.</param>
/// <param name="Kind">Which of the three deployments.</param>
/// <param name="Background">The policy of the other tenants (tenant modes only).</param>
internal sealed record BenchMode(string Name, BenchModeKind Kind, string? Background = null)
{
    /// <summary>Clients 0 to <see cref="TenantClients"/> − 1 are the tested tenant: 20 % of the 50.</summary>
    public const int TenantClients = 10;

    public static BenchMode Clients { get; } = new("clients", BenchModeKind.Clients);

    public static BenchMode Gateway { get; } = new("gateway", BenchModeKind.Gateway);

    /// <summary>The tested policy beside 40 clients running <paramref name="background"/>.</summary>
    public static BenchMode Tenant(string background) => new("tenant-" + background, BenchModeKind.Tenant, background);

    /// <summary>The background policies of the tenant modes, in report order.</summary>
    public static IReadOnlyList<string> TenantBackgrounds { get; } = [BenchPolicies.SdkDefault, BenchPolicies.AgentTen];

    /// <summary>Every mode, in report order: clients, gateway, then one tenant mode per background.</summary>
    public static IReadOnlyList<BenchMode> All { get; } = [Clients, Gateway, .. TenantBackgrounds.Select(Tenant)];

    /// <summary>Whether <paramref name="client"/> runs the tested policy (always, except a tenant mode's background clients).</summary>
    public bool IsTested(int client) => Kind != BenchModeKind.Tenant || client < TenantClients;
}
