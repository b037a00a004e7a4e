using Breakwater.Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Breakwater.Gateway.Tests.Clients;

/// <summary>
/// Claude Code (npm @anthropic-ai/claude-code) in print mode, unchanged, with its own default retries, isolated HOME,
/// telemetry and non-essential traffic off, ANTHROPIC_BASE_URL = the gateway, during a flash storm on opus.
/// </summary>
[Collection(RealClientsCollection.Name)]
public sealed class ClaudeCodeTests(ITestOutputHelper output)
{
    /// <summary>Other traffic already riding the storm through the same gateway, as in any shared deployment.</summary>
    private const int BackgroundCalls = 60;

    private static Task<StormGateway> CreateSut() => StormGateway.StartAsync();

    [SkippableFact]
    public async Task ClaudeCode_PrintModeThroughGatewayDuringStorm_SucceedsWithinAmplificationBound()
    {
        NodeTools.Require(packages: "@anthropic-ai/claude-code");
        await using var sut = await CreateSut();
        var home = Directory.CreateTempSubdirectory("breakwater-claude-home-");
        try
        {
            for (var i = 0; i < BackgroundCalls; i++)
            {
                var body = $$"""{"model":"{{StormGateway.Opus}}","max_tokens":16,"messages":[{"role":"user","content":"background {{i}}"}]}""";
                using var request = GatewayHarness.Post("/v1/messages", body, ("x-api-key", "sk-ant-test-key"), ("anthropic-version", "2023-06-01"));
                using var response = await sut.Gateway.Client.SendAsync(request);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            }

            var before = sut.Storm.Attempts.Count;
            var run = await NodeTools.RunAsync(
                NodeTools.ClaudeCli,
                ["-p", "Say hello", "--model", StormGateway.Opus],
                new Dictionary<string, string>
                {
                    ["HOME"] = home.FullName,
                    ["ANTHROPIC_BASE_URL"] = sut.BaseUrl,
                    ["ANTHROPIC_API_KEY"] = "sk-ant-test-key",
                    ["DISABLE_TELEMETRY"] = "1",
                    ["DISABLE_ERROR_REPORTING"] = "1",
                    ["DISABLE_AUTOUPDATER"] = "1",
                    ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
                    // Anything that is not the gateway goes to a closed port on 127.0.0.1: the test never reaches out.
                    ["HTTPS_PROXY"] = ClosedPort.Url(),
                    ["HTTP_PROXY"] = ClosedPort.Url(),
                    ["NO_PROXY"] = "127.0.0.1,localhost",
                },
                TimeSpan.FromSeconds(25),
                workingDirectory: home.FullName);
            var attempts = sut.Storm.Attempts.ToArray();
            var mine = attempts[before..];
            output.WriteLine("Claude Code upstream requests: " + string.Join(", ", sut.Storm.Seen.Skip(before)));
            output.WriteLine($"total: {sut.Totals.Requests} calls, {attempts.Length} upstream attempts ({sut.Storm.StormAttempts} answered 529)");

            Assert.True(run.ExitCode == 0, run.Describe());
            Assert.Contains("The breakwater holds", run.Stdout, StringComparison.Ordinal);
            Assert.Contains(sut.Storm.Seen, s => s == "POST /v1/messages?beta=true");
            Assert.NotEmpty(mine);
            Assert.Contains(mine, a => a.Stream && a.Model == StormGateway.Sonnet && a.Status == 200);
            Assert.Equal(0, sut.Totals.FailedRequests);
            Assert.True(attempts.Length <= 1.2 * sut.Totals.Requests, $"{attempts.Length} upstream attempts for {sut.Totals.Requests} calls exceeds 1.2×");
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }
}
