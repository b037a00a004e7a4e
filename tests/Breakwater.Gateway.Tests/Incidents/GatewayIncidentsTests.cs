using System.Net;
using Breakwater.Gateway.Features.Incidents;
using Breakwater.Gateway.Tests.Dashboard;
using Breakwater.Gateway.Tests.Support;
using Breakwater.Status;
using Breakwater.Telemetry.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Breakwater.Gateway.Tests.Incidents;

/// <summary>Journal and status page on by default, configured from <c>Breakwater:Journal</c> and <c>Breakwater:StatusPage</c>.</summary>
public sealed class GatewayIncidentsTests
{
    private const string OpusBody = """{"model":"claude-opus-4-6","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]}""";

    private const string SummaryWithIncident = """
        {
          "components": [{"id": "k8w3r06qmzrp", "name": "Claude API (api.anthropic.com)", "status": "partial_outage"}],
          "incidents": [{
            "id": "f6x8xqk7hs3v", "name": "Elevated errors on Claude Opus", "status": "investigating",
            "created_at": "2026-03-02T08:51:20.100Z", "resolved_at": null, "impact": "major",
            "shortlink": "https://stspg.io/f6x8xqk7", "started_at": "2026-03-02T08:42:00.000Z",
            "incident_updates": [{"status": "investigating", "body": "We are investigating elevated 529 errors.", "created_at": "2026-03-02T08:51:20.161Z"}]
          }],
          "status": {"indicator": "major", "description": "Partial System Outage"}
        }
        """;

    private const string SummaryOperational = """
        {"components": [{"name": "Claude API (api.anthropic.com)", "status": "operational"}], "incidents": [], "status": {"indicator": "none", "description": "All Systems Operational"}}
        """;

    private static GatewayAppBuilder CreateSut(params string[] args) => GatewayApp.CreateBuilder(args).UseEnvironmentVariables(false);

    private static async Task<(GatewayHarness Sut, FakeUpstream StatusPage)> StartWithStatusPageAsync(string summary, Action<GatewayOptions>? configure = null)
    {
        var statusPage = await FakeUpstream.StartAsync();
        statusPage.Default = FakeUpstream.Json(200, summary);
        var sut = await GatewayHarness.StartAsync(o =>
        {
            o.StatusPage.Enabled = true;
            o.StatusPage.BaseUrl = statusPage.Address;

            // A loaded CI host can take seconds for the first fetch (JIT); a failed fetch is cached, so don't let it time out.
            o.StatusPage.Timeout = TimeSpan.FromSeconds(30);
            configure?.Invoke(o);
        });
        // The monitor's first poll runs in the background when the gateway starts; wait for it, bounded.
        await sut.App.Services.GetRequiredService<StatusPageMonitor>().RefreshAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return (sut, statusPage);
    }

    [Fact]
    public void Defaults_JournalAndStatusPageOn()
    {
        var options = new GatewayOptions();

        Assert.True(options.Journal.Enabled);
        Assert.Equal(JournalOptions.DefaultPath(), options.Journal.Path);
        Assert.True(options.StatusPage.Enabled);
        Assert.Equal(new Uri("https://status.claude.com"), options.StatusPage.BaseUrl);
    }

    [Fact]
    public void Build_ConfigFile_BindsJournalStatusPageAndHealthSections()
    {
        var file = Path.Combine(Path.GetTempPath(), "breakwater-gwops-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, """
            {
              "Port": 0,
              "Breakwater": {
                "Journal": { "Path": "/tmp/bw-from-config.db", "MaxRows": 500 },
                "StatusPage": { "BaseUrl": "http://127.0.0.1:9/", "PollInterval": "00:02:00" },
                "Fallback": { "SameModelRetries": 0, "Chains": [ { "Models": [ "claude-opus-4-6", "claude-sonnet-4-6" ] } ] },
                "CircuitBreaker": { "MinimumThroughput": 3, "BreakDuration": "00:00:20" },
                "Concurrency": { "InitialLimit": 8, "MaxLimit": 16 },
                "Pacing": { "Enabled": false },
                "Throttle": { "K": 3 }
              }
            }
            """);
        try
        {
            var app = CreateSut().UseConfigFile(file).Build();
            var options = app.Services.GetRequiredService<GatewayOptions>();

            Assert.Equal("/tmp/bw-from-config.db", options.Journal.Path);
            Assert.Equal(500, options.Journal.MaxRows);
            Assert.Equal("/tmp/bw-from-config.db", app.Services.GetRequiredService<IOptions<JournalOptions>>().Value.Path);
            Assert.Equal(new Uri("http://127.0.0.1:9/"), options.StatusPage.BaseUrl);
            Assert.Equal(TimeSpan.FromMinutes(2), options.StatusPage.PollInterval);
            Assert.Equal(["claude-opus-4-6", "claude-sonnet-4-6"], Assert.Single(options.Breakwater.Fallback.Chains).Models);
            Assert.Equal(0, options.Breakwater.Fallback.SameModelRetries);
            Assert.Equal(3, options.Breakwater.CircuitBreaker.MinimumThroughput);
            Assert.Equal(TimeSpan.FromSeconds(20), options.Breakwater.CircuitBreaker.BreakDuration);
            Assert.Equal(16, options.Breakwater.Concurrency.MaxLimit);
            Assert.False(options.Breakwater.Pacing.Enabled);
            Assert.Equal(3, options.Breakwater.Throttle.K);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Post_FallbackChainFromConfiguration_OpusOverloadServedBySonnet()
    {
        var upstream = await FakeUpstream.StartAsync();
        var journal = Path.Combine(Path.GetTempPath(), "breakwater-gateway-tests", Guid.NewGuid().ToString("N") + ".db");
        try
        {
            // appsettings-style keys, as a config file or BREAKWATER__ variables would give them.
            await using var app = CreateSut(
                    "--port", "0", "--upstream", upstream.Address.ToString(),
                    "--Breakwater:Journal:Path=" + journal,
                    "--Breakwater:StatusPage:Enabled=false",
                    "--Breakwater:Fallback:SameModelRetries=0",
                    "--Breakwater:Fallback:Chains:0:Models:0=claude-opus-4-6",
                    "--Breakwater:Fallback:Chains:0:Models:1=claude-sonnet-4-6")
                .Build();
            await app.StartAsync();
            upstream.Enqueue(DashboardEndpointsTests.OverloadedWithId("req_opus_529"));
            using var client = new HttpClient { BaseAddress = GatewayApp.GetAddress(app) };

            using var request = GatewayHarness.Post("/v1/messages", OpusBody);
            using var response = await client.SendAsync(request);
            await app.Services.GetRequiredService<SqliteIncidentJournal>().FlushAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("claude-sonnet-4-6", response.Headers.GetValues("breakwater-model").Single());
            Assert.Equal("claude-opus-4-6", response.Headers.GetValues("breakwater-fallback-from").Single());
            Assert.Equal(["claude-opus-4-6", "claude-sonnet-4-6"], upstream.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("model").GetString()));
            var record = Assert.Single(new JournalReader(journal).ReadSince(DateTimeOffset.MinValue));
            Assert.Equal("req_opus_529", record.RequestId);
            Assert.Equal(Breakwater.Telemetry.AttemptDecision.FellBack, record.Decision);
            Assert.Equal("claude-sonnet-4-6", record.FallbackModel);
            await app.StopAsync();
        }
        finally
        {
            await upstream.DisposeAsync();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                if (File.Exists(journal + suffix))
                {
                    File.Delete(journal + suffix);
                }
            }
        }
    }

    [Fact]
    public async Task Post_FailureDuringIncident_CarriesIncidentLink()
    {
        var (sut, statusPage) = await StartWithStatusPageAsync(SummaryWithIncident, o => o.Breakwater.Retry.Overloaded.MaxRetries = 0);
        await using (sut)
        await using (statusPage)
        {
            sut.Upstream.Enqueue(FakeUpstream.Overloaded());

            using var failedRequest = GatewayHarness.Post("/v1/messages", OpusBody);
            using var failed = await sut.Client.SendAsync(failedRequest);
            using var request = GatewayHarness.Post("/v1/messages", OpusBody);
            using var succeeded = await sut.Client.SendAsync(request);
            var state = await DashboardEndpointsTests.StateAsync(sut);

            Assert.Equal(529, (int)failed.StatusCode);
            Assert.Equal("https://stspg.io/f6x8xqk7", failed.Headers.GetValues("breakwater-incident").Single());
            Assert.Equal(HttpStatusCode.OK, succeeded.StatusCode);
            Assert.False(succeeded.Headers.Contains("breakwater-incident"));
            var incident = state.GetProperty("status").GetProperty("incident");
            Assert.Equal("Elevated errors on Claude Opus", incident.GetProperty("name").GetString());
            Assert.Equal("https://stspg.io/f6x8xqk7", incident.GetProperty("link").GetString());
            Assert.All(statusPage.Requests, r => Assert.Equal("/api/v2/summary.json", r.Path));
        }
    }

    [Fact]
    public async Task Post_FailureWithoutIncident_NoIncidentHeader()
    {
        var (sut, statusPage) = await StartWithStatusPageAsync(SummaryOperational, o => o.Breakwater.Retry.Overloaded.MaxRetries = 0);
        await using (sut)
        await using (statusPage)
        {
            sut.Upstream.Enqueue(FakeUpstream.Overloaded());

            using var request = GatewayHarness.Post("/v1/messages", OpusBody);
            using var failed = await sut.Client.SendAsync(request);
            var state = await DashboardEndpointsTests.StateAsync(sut);

            Assert.Equal(529, (int)failed.StatusCode);
            Assert.False(failed.Headers.Contains("breakwater-incident"));
            Assert.True(state.GetProperty("status").GetProperty("known").GetBoolean());
            Assert.Equal("none", state.GetProperty("status").GetProperty("indicator").GetString());
        }
    }

    [Fact]
    public async Task Post_StatusPageUnreachable_RequestsUnaffected()
    {
        await using var sut = await GatewayHarness.StartAsync(o =>
        {
            o.StatusPage.Enabled = true;
            o.StatusPage.BaseUrl = new Uri(ClosedPort.Url());
        });
        await sut.App.Services.GetRequiredService<StatusPageMonitor>().RefreshAsync().WaitAsync(TimeSpan.FromSeconds(10));

        using var request = GatewayHarness.Post("/v1/messages", OpusBody);
        using var response = await sut.Client.SendAsync(request);
        var state = await DashboardEndpointsTests.StateAsync(sut);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(state.GetProperty("status").GetProperty("known").GetBoolean());
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(529, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(200, false)]
    public void IsPlatformFailure_ByStatus(int status, bool expected) =>
        Assert.Equal(expected, IncidentHeaderMiddleware.IsPlatformFailure(status));

    [Fact]
    public void Build_InvalidJournalAndStatusPage_OneMessageListsBoth()
    {
        var error = Assert.Throws<OptionsValidationException>(() => CreateSut().Configure(o =>
        {
            o.Journal.MaxRows = 1;
            o.StatusPage.BaseUrl = new Uri("ftp://127.0.0.1/");
            o.StatusPage.PollInterval = TimeSpan.FromSeconds(1);
        }).Build());

        Assert.Contains("Breakwater:Journal:MaxRows", error.Message, StringComparison.Ordinal);
        Assert.Contains("Breakwater:StatusPage:BaseUrl", error.Message, StringComparison.Ordinal);
        Assert.Contains("Breakwater:StatusPage:PollInterval", error.Message, StringComparison.Ordinal);
    }
}
