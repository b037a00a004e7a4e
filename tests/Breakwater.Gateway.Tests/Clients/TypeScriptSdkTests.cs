using Xunit.Abstractions;

namespace Breakwater.Gateway.Tests.Clients;

/// <summary>
/// The official TypeScript SDK (npm @anthropic-ai/sdk), unchanged and with its default 2 retries, during a flash storm
/// on opus: on its own it fails; through the gateway every call succeeds and upstream attempts stay ≤ 1.2 × calls.
/// </summary>
[Collection(RealClientsCollection.Name)]
public sealed class TypeScriptSdkTests(ITestOutputHelper output)
{
    private const int Calls = 60;

    private static Task<StormGateway> CreateSut() => StormGateway.StartAsync();

    private static Task<ProcessResult> RunSdkAsync(string baseUrl, int calls, string mode) => NodeTools.RunAsync(
        "node",
        ["sdk-client.mjs"],
        new Dictionary<string, string>
        {
            ["BASE_URL"] = baseUrl,
            ["REQUESTS"] = calls.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MODE"] = mode,
            ["MODEL"] = StormGateway.Opus,
            ["ANTHROPIC_API_KEY"] = "sk-ant-test-key",
        },
        TimeSpan.FromSeconds(25));

    [SkippableFact]
    public async Task Sdk_DirectToStorm_FailsOnItsOwnAfterItsRetries()
    {
        NodeTools.Require(packages: "@anthropic-ai/sdk");
        await using var sut = await CreateSut();

        var run = await RunSdkAsync(sut.Storm.Address.ToString().TrimEnd('/'), 1, "json");
        var result = NodeTools.LastJsonLine(run);

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.Equal(1, result.GetProperty("failed").GetInt32());
        Assert.Equal(529, result.GetProperty("errors")[0].GetProperty("status").GetInt32());
        // One attempt and the SDK's own two retries, all overloaded.
        Assert.Equal(3, sut.Storm.StormAttempts);
    }

    [SkippableTheory]
    [InlineData("json")]
    [InlineData("stream")]
    public async Task Sdk_ThroughGatewayDuringStorm_AllSucceedWithinAmplificationBound(string mode)
    {
        NodeTools.Require(packages: "@anthropic-ai/sdk");
        await using var sut = await CreateSut();

        var run = await RunSdkAsync(sut.BaseUrl, Calls, mode);
        var result = NodeTools.LastJsonLine(run);
        var attempts = sut.Storm.Attempts.ToArray();
        output.WriteLine($"{mode}: {Calls} calls, {attempts.Length} upstream attempts ({sut.Storm.StormAttempts} answered 529)");

        Assert.True(run.ExitCode == 0, run.Describe());
        Assert.True(result.GetProperty("ok").GetInt32() == Calls, run.Describe());
        Assert.All(result.GetProperty("texts").EnumerateArray(), t => Assert.StartsWith("The breakwater holds", t.GetString(), StringComparison.Ordinal));
        Assert.Equal(Calls, sut.Totals.Requests);
        Assert.Equal(0, sut.Totals.FailedRequests);
        Assert.True(sut.Storm.StormAttempts > 0, "the storm must have been hit");
        Assert.All(attempts, a => Assert.Equal(mode == "stream", a.Stream));
        Assert.True(attempts.Length <= 1.2 * Calls, $"{attempts.Length} upstream attempts for {Calls} calls exceeds 1.2×");
    }
}
