using System.Net;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Metrics;

/// <summary>Many distinct model names through the gateway: the per-model state, /metrics and the dashboard stay bounded.</summary>
public sealed class ModelBoundsTests
{
    [Fact]
    public async Task ManyUniqueModels_StateMetricsAndDashboardStayBounded()
    {
        await using var sut = await GatewayHarness.StartAsync(o =>
        {
            o.Breakwater.ModelState.MaxModels = 100;
            o.Breakwater.ModelState.MaxMetricModels = 20;
        });
        var state = ((Breakwater.Gateway.Features.Proxy.UpstreamClient)sut.App.Services.GetService(typeof(Breakwater.Gateway.Features.Proxy.UpstreamClient))!).State;

        var most = 0;
        for (var i = 0; i < 1_500; i++)
        {
            using var request = GatewayHarness.Post("/v1/messages/count_tokens", $$"""{"model":"junk-model-{{i:D6}}-{{new string('x', 200)}}","messages":[]}""");
            using var response = await sut.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            most = Math.Max(most, state.ModelCount);
        }

        using var metrics = await sut.Client.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();
        using var dashboard = await sut.Client.GetAsync("/breakwater/state");
        var dashboardText = await dashboard.Content.ReadAsStringAsync();

        Assert.True(most <= 100, $"at most {most} models kept");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("model=\"other\"", text, StringComparison.Ordinal);
        var named = System.Text.RegularExpressions.Regex.Matches(text, "junk-model-\\d{6}").Select(m => m.Value).Distinct().Count();
        Assert.True(named <= 20, $"{named} model names in /metrics");
        Assert.True(text.Length < 400_000, $"/metrics is {text.Length} characters");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.True(dashboardText.Length < 200_000, $"dashboard state is {dashboardText.Length} characters");
    }
}
