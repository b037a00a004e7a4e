using Breakwater.Gateway;

namespace Breakwater.Bench.Servers;

/// <summary>
/// Breakwater's gateway exactly as <c>breakwater serve</c> builds it (its defaults), with the upstream and port 0 set.
/// Environment variables are not read, so nothing on the machine changes what is measured.
/// <c>--initial-limit N</c> raises the adaptive concurrency limit's starting point (the open-streams probe reports both);
/// <c>--config FILE</c> adds a gateway configuration file (for example to cap the connection pools).
/// </summary>
internal static class GatewayServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        var upstream = ChildArgs.Require(args, "--upstream");
        var initialLimit = ChildArgs.Get(args, "--initial-limit");
        var config = ChildArgs.Get(args, "--config");
        await using var app = GatewayApp.CreateBuilder()
            .UseEnvironmentVariables(false)
            .UseConfigFile(config)
            .Configure(o =>
            {
                o.Port = 0;
                o.Upstream = upstream;
                if (initialLimit is not null)
                {
                    o.Breakwater.Concurrency.InitialLimit = int.Parse(initialLimit, System.Globalization.CultureInfo.InvariantCulture);
                }
            })
            .Build();
        await app.StartAsync();
        await ChildArgs.AnnounceAndWaitAsync(GatewayApp.GetAddress(app));
        await app.StopAsync();
        return 0;
    }
}
