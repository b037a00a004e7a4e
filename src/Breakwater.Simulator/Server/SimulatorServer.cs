using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Breakwater.Simulator;

/// <summary>
/// The simulator over HTTP: Kestrel on 127.0.0.1, serving the Anthropic endpoints, the control endpoints
/// (<c>/simulator/stats</c>, <c>/simulator/scenario</c>, <c>/simulator/script</c>) and a Statuspage v2 feed
/// (<c>/api/v2/*.json</c>), all through the same core as <see cref="SimulatedUpstream"/>.
/// </summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatorServer(WebApplication app, Simulator simulator, Uri url)
    {
        _app = app;
        Simulator = simulator;
        Url = url;
    }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:8530</c> (no trailing slash in <see cref="Uri.ToString"/> of the authority).</summary>
    public Uri Url { get; }

    /// <summary>Cancelled when the host begins to stop, e.g. on SIGTERM or Ctrl+C (which the host intercepts).</summary>
    public CancellationToken Stopping => _app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

    /// <summary>The simulator served.</summary>
    public Simulator Simulator { get; }

    /// <summary>Starts Kestrel on 127.0.0.1.</summary>
    /// <param name="simulator">The simulator to serve.</param>
    /// <param name="port">The port (default 0: any free port; read <see cref="Url"/>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<SimulatorServer> StartAsync(Simulator simulator, int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = typeof(SimulatorServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, port);
            options.Limits.MaxRequestBodySize = null;
            options.AddServerHeader = false;
        });
        var app = builder.Build();
        app.RunSimulator(simulator);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        return new SimulatorServer(app, simulator, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)));
    }

    /// <summary>Stops the server (in-flight streams are cut).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default) => await _app.StopAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Stops and disposes the server.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
