using Anthropic;
using Anthropic.Models.Messages;
using Xunit.Abstractions;

namespace Breakwater.Gateway.Tests.Clients;

/// <summary>
/// The official C# SDK (Anthropic 13.x, its default two retries), unchanged but for its BaseUrl, against the simulator
/// in a storm on Opus: alone it fails, through the gateway every call succeeds within 1.2 upstream attempts per call.
/// </summary>
[Collection(RealClientsCollection.Name)]
public sealed class CSharpSdkStormTests(ITestOutputHelper output)
{
    // As many as the TypeScript test: the first ~10 calls each meet one 529 before the Opus breaker opens.
    private const int Calls = 60;

    private static AnthropicClient Client(string baseUrl) => new() { ApiKey = "sk-ant-sdk-test", BaseUrl = baseUrl, Timeout = TimeSpan.FromMinutes(2) };

    private static MessageCreateParams Params(int i) => new()
    {
        Model = StormGateway.Opus,
        MaxTokens = 64,
        Messages = [new UserMessageParam { Content = "C# SDK call " + i.ToString(System.Globalization.CultureInfo.InvariantCulture) }],
    };

    [Fact]
    public async Task Sdk_DirectToStorm_FailsOnItsOwnAfterItsRetries()
    {
        await using var sut = await StormGateway.StartAsync();
        using var client = Client(sut.Storm.Address.ToString().TrimEnd('/'));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.Messages.Create(Params(0)));

        output.WriteLine(error.GetType().Name + ": " + error.Message);
        Assert.Contains("529", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, sut.Storm.StormAttempts);
    }

    [Fact]
    public async Task Sdk_JsonAndStreamingThroughGatewayDuringStorm_AllSucceedWithinAmplificationBound()
    {
        await using var sut = await StormGateway.StartAsync();
        using var client = Client(sut.BaseUrl);

        var texts = new List<string>();
        for (var i = 0; i < Calls; i++)
        {
            if (i % 2 == 0)
            {
                var message = await client.Messages.Create(Params(i));
                texts.Add(string.Concat(message.Content.Select(c => c.TryPickText(out var t) ? t.Text : "")));
            }
            else
            {
                var text = new System.Text.StringBuilder();
                await foreach (var e in client.Messages.CreateStreaming(Params(i)))
                {
                    if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
                    {
                        text.Append(t.Text);
                    }
                }

                texts.Add(text.ToString());
            }
        }

        var attempts = sut.Storm.Attempts.ToArray();
        output.WriteLine($"{Calls} calls, {attempts.Length} upstream attempts ({sut.Storm.StormAttempts} answered 529 by the simulator)");
        Assert.All(texts, t => Assert.StartsWith("The breakwater holds", t, StringComparison.Ordinal));
        Assert.Equal(Calls, sut.Totals.Requests);
        Assert.Equal(0, sut.Totals.FailedRequests);
        Assert.True(sut.Storm.StormAttempts > 0, "the storm must have been hit");
        Assert.Contains(attempts, a => a.Stream && a.Model == StormGateway.Sonnet && a.Status == 200);
        Assert.True(attempts.Length <= 1.2 * Calls, $"{attempts.Length} upstream attempts for {Calls} calls exceeds 1.2×");
    }
}
