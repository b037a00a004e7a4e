using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Breakwater.Bench.Servers;

/// <summary>
/// The bare YARP forwarder: Kestrel + <c>MapForwarder</c> to one destination, nothing else. The practical limit for a
/// .NET gateway on this machine, and so the yardstick for Breakwater's throughput.
/// </summary>
internal static class YarpForwarderServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var upstream = ChildArgs.Require(args, "--upstream");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(System.Net.IPAddress.Loopback, 0);
        });
        builder.Services.AddHttpForwarder();
        await using var app = builder.Build();
        app.MapForwarder("/{**catch-all}", upstream);
        await app.StartAsync();
        await ChildArgs.AnnounceAndWaitAsync(new Uri(app.Urls.First()));
        await app.StopAsync();
        return 0;
    }
}
