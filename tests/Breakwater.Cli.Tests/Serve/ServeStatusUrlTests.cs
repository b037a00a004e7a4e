using System.Net;
using System.Text.Json;
using Breakwater.Cli.Commands;
using Breakwater.Gateway;
using Breakwater.Simulator;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;
using Breakwater.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Breakwater.Cli.Tests.Serve;

/// <summary><c>serve --status-url</c>, and the <c>serve</c> line <c>simulate</c> prints: the gateway watches the simulator's own status page.</summary>
public sealed class ServeStatusUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8530", "http://127.0.0.1:8530/")]
    [InlineData("http://127.0.0.1:8530/", "http://127.0.0.1:8530/")]
    [InlineData("http://127.0.0.1:8530/api/v2/summary.json", "http://127.0.0.1:8530/")]
    [InlineData("https://status.claude.com", "https://status.claude.com/")]
    [InlineData("https://example.com/status/api/v2/incidents/unresolved.json", "https://example.com/status/")]
    [InlineData("https://example.com/status", "https://example.com/status/")]
    public void Parse_BaseOrDocumentUrl_GivesTheBaseTheMonitorReadsFrom(string value, string expected)
    {
        var url = StatusUrlOption.Parse(value, out var error);

        Assert.Null(error);
        Assert.Equal(new Uri(expected), url);
    }

    [Theory]
    [InlineData("status.claude.com")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("/api/v2/summary.json")]
    [InlineData("")]
    public void Validate_NotAnAbsoluteHttpUrl_IsAUsageErrorNamingTheOption(string value)
    {
        var result = new ServeCommand.Settings { StatusUrl = value }.Validate();

        Assert.False(result.Successful);
        Assert.Contains("--status-url", result.Message, StringComparison.Ordinal);
        Assert.Contains(value, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_SetsTheStatusPageBaseUrlAndTurnsTheMonitorOn()
    {
        var options = new GatewayOptions();
        options.StatusPage.Enabled = false;

        StatusUrlOption.Apply("http://127.0.0.1:8530/api/v2/summary.json", options);

        Assert.True(options.StatusPage.Enabled);
        Assert.Equal(new Uri("http://127.0.0.1:8530/"), options.StatusPage.BaseUrl);
    }

    [Fact]
    public void Apply_NoOption_LeavesTheConfiguredStatusPage()
    {
        var options = new GatewayOptions();

        StatusUrlOption.Apply(null, options);

        Assert.Equal(new Uri("https://status.claude.com"), options.StatusPage.BaseUrl);
    }

    [Fact]
    public async Task Gateway_WithTheServeLineSimulatePrints_ReportsTheSimulatorsIncident()
    {
        // The simulator in flash-storm, its clock held at 10:10 of scenario time: the storm (5:00–5:30) is over and its
        // status-page incident, posted 5 minutes after it started, is open. A held virtual clock: nothing else moves.
        var clock = new VirtualTimeProvider();
        using var simulator = new Simulator.Simulator(new SimulatorOptions { Scenario = ScenarioCatalog.Get("flash-storm"), Seed = 1, TimeProvider = clock });
        clock.Advance(TimeSpan.FromSeconds(610));
        await using var server = await SimulatorServer.StartAsync(simulator, port: 0);
        var url = server.Url.GetLeftPart(UriPartial.Authority);

        var line = SimulateText.ServeCommandLine(url);
        var words = line.Split(' ');
        Assert.Equal(["breakwater", "serve", "--upstream", url, "--status-url", url], words);
        var settings = new ServeCommand.Settings { Upstream = words[3], StatusUrl = words[5] };
        Assert.True(settings.Validate().Successful);

        var journal = Path.Combine(Path.GetTempPath(), "breakwater-cli-tests", Guid.NewGuid().ToString("N") + ".db");
        await using var app = GatewayApp.CreateBuilder()
            .UseEnvironmentVariables(false)
            .Configure(o =>
            {
                o.Port = 0;
                o.Upstream = settings.Upstream!;
                o.Journal.Path = journal;
                StatusUrlOption.Apply(settings.StatusUrl, o);

                // A loaded CI host can take seconds for the first fetch (JIT); a failed fetch is cached, so don't let it time out.
                o.StatusPage.Timeout = TimeSpan.FromSeconds(30);
            })
            .ConfigureLogging(l => l.ClearProviders())
            .Build();
        try
        {
            await app.StartAsync();
            await app.Services.GetRequiredService<StatusPageMonitor>().RefreshAsync().WaitAsync(TimeSpan.FromSeconds(20));
            using var client = new HttpClient { BaseAddress = GatewayApp.GetAddress(app), Timeout = TimeSpan.FromSeconds(30) };
            using var response = await client.GetAsync(new Uri("/breakwater/state", UriKind.Relative));
            using var state = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            using var summary = JsonDocument.Parse(await client.GetStringAsync(new Uri(server.Url, "/api/v2/summary.json")));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var status = state.RootElement.GetProperty("status");
            Assert.True(status.GetProperty("enabled").GetBoolean());
            Assert.True(status.GetProperty("known").GetBoolean(), status.ToString());
            Assert.NotEqual("unknown", status.GetProperty("indicator").GetString());
            var incident = status.GetProperty("incident");
            var simulated = summary.RootElement.GetProperty("incidents")[0];
            Assert.Equal("Elevated errors on Claude Sonnet", incident.GetProperty("name").GetString());
            Assert.Equal(simulated.GetProperty("shortlink").GetString(), incident.GetProperty("link").GetString());
            await app.StopAsync();
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                if (File.Exists(journal + suffix))
                {
                    File.Delete(journal + suffix);
                }
            }
        }
    }
}
