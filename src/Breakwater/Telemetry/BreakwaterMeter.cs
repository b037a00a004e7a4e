using System.Diagnostics.Metrics;

namespace Breakwater.Telemetry;

/// <summary>
/// Makes the product's one meter name, <c>Breakwater</c>: through <see cref="IMeterFactory"/> when there is one (each
/// DI container, and each parallel test, then has meters of its own), else a meter the caller owns and disposes.
/// Listeners match meters by name, so an exporter that adds <c>Breakwater</c> sees every instance.
/// </summary>
internal static class BreakwaterMeter
{
    /// <summary>The meter name.</summary>
    public const string Name = "Breakwater";

    private static readonly string? Version = typeof(BreakwaterMeter).Assembly.GetName().Version?.ToString();

    /// <summary>A meter from <paramref name="factory"/> (the factory disposes it), or a new one the caller must dispose.</summary>
    public static Meter Create(IMeterFactory? factory) => factory?.Create(Name, Version) ?? new Meter(Name, Version);
}
