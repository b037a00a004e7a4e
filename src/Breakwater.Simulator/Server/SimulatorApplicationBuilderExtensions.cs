using Breakwater.Simulator;
using Breakwater.Simulator.Server;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Hosts the simulator inside any ASP.NET Core app (what <see cref="SimulatorServer"/> does on its own Kestrel).</summary>
public static class SimulatorApplicationBuilderExtensions
{
    /// <summary>Answers every request of the pipeline with <paramref name="simulator"/> (terminal middleware).</summary>
    public static IApplicationBuilder RunSimulator(this IApplicationBuilder app, Simulator simulator)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(simulator);
        app.Run(context => SimulatorHttpAdapter.HandleAsync(context, simulator));
        return app;
    }
}
