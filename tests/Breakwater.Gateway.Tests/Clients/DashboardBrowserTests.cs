using Breakwater.Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Breakwater.Gateway.Tests.Clients;

/// <summary>
/// The dashboard in headless Chromium (Debian's chromium, driven by playwright-core): after repeated 529s for one
/// model it shows that model's breaker open and a request_id this test received, and requests nothing outside 127.0.0.1.
/// The gateway runs on a clock that stands still, so the breaker it opens stays open however long Chromium takes; the
/// page's own polling (every 2 s) is real time, and the script waits on conditions, each bounded.
/// </summary>
[Collection(RealClientsCollection.Name)]
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static Task<StormGateway> CreateSut() => StormGateway.StartAsync(withFallback: false, new FakeTimeProvider(Start));

    [SkippableFact]
    public async Task Dashboard_AfterRepeatedOverloads_ShowsOpenBreakerAndReceivedRequestId()
    {
        NodeTools.Require(chromium: true, packages: "playwright-core");
        await using var sut = await CreateSut();
        var received = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var body = $$"""{"model":"{{StormGateway.Opus}}","max_tokens":16,"messages":[{"role":"user","content":"call {{i}}"}]}""";
            using var request = GatewayHarness.Post("/v1/messages", body, ("x-api-key", "sk-ant-test-key"), ("anthropic-version", "2023-06-01"));
            using var response = await sut.Gateway.Client.SendAsync(request);
            Assert.Equal(529, (int)response.StatusCode);
            Assert.False(response.IsSuccessStatusCode);
            if (response.Headers.TryGetValues("request-id", out var ids))
            {
                received.AddRange(ids.Where(id => id.StartsWith("req_", StringComparison.Ordinal)));
            }
        }

        var requestId = Assert.IsType<string>(received.FirstOrDefault());
        var profile = Directory.CreateTempSubdirectory("breakwater-chromium-");
        var screenshot = Path.Combine(Path.GetTempPath(), $"breakwater-dashboard-{Guid.NewGuid():N}.png");
        try
        {
            var run = await NodeTools.RunAsync(
                "node",
                ["dashboard-check.mjs"],
                new Dictionary<string, string>
                {
                    ["DASHBOARD_URL"] = sut.Gateway.Address.ToString(),
                    ["EXPECT_MODEL"] = StormGateway.Opus,
                    ["EXPECT_REQUEST_ID"] = requestId,
                    ["SCREENSHOT"] = screenshot,
                    ["USER_DATA_DIR"] = profile.FullName,
                    ["CHROMIUM"] = NodeTools.Chromium,
                    ["HOME"] = profile.FullName,
                },
                TimeSpan.FromSeconds(28));
            output.WriteLine("screenshot: " + screenshot);
            Console.WriteLine("dashboard screenshot: " + screenshot);
            var result = NodeTools.LastJsonLine(run);

            Assert.True(run.ExitCode == 0, run.Describe());
            Assert.Empty(result.GetProperty("foreignRequests").EnumerateArray());
            Assert.True(result.GetProperty("error").ValueKind == System.Text.Json.JsonValueKind.Null, run.Describe());
            Assert.Equal("open", result.GetProperty("breaker").GetString());
            Assert.True(result.GetProperty("requestIdShown").GetBoolean());
            Assert.Contains(result.GetProperty("requests").EnumerateArray(), r => r.GetString()!.EndsWith("/breakwater/state", StringComparison.Ordinal));
            Assert.True(File.Exists(screenshot));
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
