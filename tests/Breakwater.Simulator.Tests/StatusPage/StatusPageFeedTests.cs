using System.Text.Json;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests.StatusPage;

public class StatusPageFeedTests
{
    private static (Simulator Sim, VirtualTimeProvider Clock, HttpMessageInvoker Invoker) CreateSut()
        => TestKit.Virtual(ScenarioCatalog.Get("long-incident")); // sonnet c = 0.3 from 600 s to 4800 s; posted +5 min, identified +3, resolved +10

    private static JsonDocument Get(HttpMessageInvoker invoker, string path)
    {
        using var request = TestKit.Get(path);
        using var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return JsonDocument.Parse(TestKit.ReadCompleted(response));
    }

    [Fact]
    public void Summary_HasTheStatuspageV2Shape_AndTheApiComponent()
    {
        var (_, _, invoker) = CreateSut();

        using var doc = Get(invoker, "/api/v2/summary.json");
        var root = doc.RootElement;

        Assert.False(string.IsNullOrEmpty(root.GetProperty("page").GetProperty("id").GetString()));
        Assert.True(DateTimeOffset.TryParse(root.GetProperty("page").GetProperty("updated_at").GetString(), out _));
        var api = root.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Claude API (api.anthropic.com)");
        Assert.Equal("operational", api.GetProperty("status").GetString());
        Assert.Equal(0, root.GetProperty("incidents").GetArrayLength());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("scheduled_maintenances").ValueKind);
        Assert.Equal("none", root.GetProperty("status").GetProperty("indicator").GetString());
        Assert.Equal("All Systems Operational", root.GetProperty("status").GetProperty("description").GetString());
    }

    [Theory]
    [InlineData(650, null, "none")] // errors started at 600 s, not posted yet
    [InlineData(901, "investigating", "major")]
    [InlineData(1081, "identified", "major")]
    [InlineData(4801, "monitoring", "major")]
    [InlineData(5401, "resolved", "none")]
    public void Incidents_FollowTheScenarioTimeline(double at, string? status, string indicator)
    {
        var (_, clock, invoker) = CreateSut();
        clock.Advance(TimeSpan.FromSeconds(at));

        using var all = Get(invoker, "/api/v2/incidents.json");
        using var unresolved = Get(invoker, "/api/v2/incidents/unresolved.json");
        using var state = Get(invoker, "/api/v2/status.json");
        using var summary = Get(invoker, "/api/v2/summary.json");
        var incidents = all.RootElement.GetProperty("incidents");

        Assert.Equal(indicator, state.RootElement.GetProperty("status").GetProperty("indicator").GetString());
        if (status is null)
        {
            Assert.Equal(0, incidents.GetArrayLength());
            return;
        }

        var incident = incidents[0];
        Assert.Equal(status, incident.GetProperty("status").GetString());
        Assert.Equal("major", incident.GetProperty("impact").GetString());
        Assert.StartsWith("https://stspg.io/", incident.GetProperty("shortlink").GetString(), StringComparison.Ordinal);
        var started = DateTimeOffset.Parse(incident.GetProperty("started_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var created = DateTimeOffset.Parse(incident.GetProperty("created_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromMinutes(5), created - started);
        var updates = incident.GetProperty("incident_updates").EnumerateArray().Select(u => u.GetProperty("status").GetString()).ToList();
        Assert.Equal(status, updates[0]); // newest first
        Assert.Equal("investigating", updates[^1]);
        Assert.Equal(status == "resolved" ? 0 : 1, unresolved.RootElement.GetProperty("incidents").GetArrayLength());
        var api = summary.RootElement.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString()!.StartsWith("Claude API", StringComparison.Ordinal));
        Assert.Equal(status == "resolved" ? "operational" : "partial_outage", api.GetProperty("status").GetString());
    }

    [Fact]
    public void SwitchScenario_RestartsTheTimeline()
    {
        var (sim, clock, invoker) = CreateSut();
        clock.Advance(TimeSpan.FromSeconds(1000));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(TestKit.BaseUri, "simulator/scenario")) { Content = new StringContent("steady") };
        using var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));

        using var doc = Get(invoker, "/api/v2/incidents.json");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("steady", sim.Scenario.Name);
        Assert.Equal(TimeSpan.Zero, sim.ScenarioElapsed);
        Assert.Equal(0, doc.RootElement.GetProperty("incidents").GetArrayLength());
    }

    [Fact]
    public void SwitchScenario_InvalidBody_400ListsProblems()
    {
        var (sim, _, invoker) = CreateSut();

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(TestKit.BaseUri, "simulator/scenario")) { Content = new StringContent("""{"name":"x","runSeconds":0,"models":[]}""") };
        using var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));
        var text = TestKit.ReadCompleted(response);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("runSeconds", text, StringComparison.Ordinal);
        Assert.Contains("models", text, StringComparison.Ordinal);
        Assert.Equal("long-incident", sim.Scenario.Name);
    }
}
