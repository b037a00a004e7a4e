namespace Breakwater.Simulator.Benchmark;

/// <summary>The three deployments of <see cref="BenchMode"/>.</summary>
internal enum BenchModeKind
{
    /// <summary>Each of the 50 clients has its own policy instance.</summary>
    Clients,

    /// <summary>One policy instance for all traffic.</summary>
    Gateway,

    /// <summary>The tested policy on 20 % of the clients, a background policy on the rest.</summary>
    Tenant,
}
