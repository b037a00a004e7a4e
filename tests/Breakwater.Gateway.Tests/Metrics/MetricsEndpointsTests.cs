using System.Net;
using Breakwater.Gateway.Tests.Dashboard;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Metrics;

/// <summary><c>GET /metrics</c>: Prometheus text with the Breakwater meter's instruments and the gateway's per-model gauges.</summary>
public sealed class MetricsEndpointsTests
{
    private static Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null) => GatewayHarness.StartAsync(configure);

    private static async Task<string> ScrapeAsync(GatewayHarness sut)
    {
        using var response = await sut.Client.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task GetMetrics_AfterOverloadThenSuccess_PrometheusTextWithBreakwaterInstruments()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Enqueue(DashboardEndpointsTests.OverloadedWithId("req_metrics_1"));

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);
        var text = await ScrapeAsync(sut);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var name in new[]
        {
            "# TYPE breakwater_attempts_total counter",
            "# TYPE breakwater_failures_total counter",
            "# TYPE breakwater_retries_total counter",
            "breakwater_attempt_duration_seconds_bucket",
            "breakwater_concurrency_limit",
            "breakwater_concurrency_in_flight",
            "breakwater_concurrency_queued",
            "breakwater_throttle_probability",
            "breakwater_breaker_state",
        })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }

        Assert.Contains("model=\"claude-sonnet-4-5\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMetrics_ManagedKeys_NeverInOutput()
    {
        const string upstreamKey = "sk-ant-api03-metrics-upstream-secret";
        const string gatewayKey = "bw-metrics-gateway-secret";
        await using var sut = await CreateSut(o =>
        {
            o.Auth.Mode = Breakwater.Gateway.Features.Auth.GatewayAuthMode.Managed;
            o.Auth.GatewayKeys = [gatewayKey];
            o.Auth.UpstreamApiKey = upstreamKey;
        });
        sut.Upstream.Enqueue(FakeUpstream.Overloaded());

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody, ("x-api-key", gatewayKey));
        using var response = await sut.Client.SendAsync(request);
        var text = await ScrapeAsync(sut);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("breakwater_attempts_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }
}
