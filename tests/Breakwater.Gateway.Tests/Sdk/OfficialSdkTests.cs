using Anthropic;
using Anthropic.Models.Messages;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Sdk;

/// <summary>The official C# SDK, unchanged, with only its BaseUrl pointed at the gateway.</summary>
public sealed class OfficialSdkTests
{
    private static Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null) => GatewayHarness.StartAsync(configure);

    private static AnthropicClient Client(GatewayHarness sut) => new() { ApiKey = "sk-ant-sdk-test", BaseUrl = sut.Address.ToString().TrimEnd('/') };

    private static MessageCreateParams Params() => new()
    {
        Model = "claude-sonnet-4-5",
        MaxTokens = 64,
        Messages = [new UserMessageParam { Content = "Hi" }],
    };

    [Fact]
    public async Task Sdk_Json_ThroughGatewayAfterOverload()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Enqueue(FakeUpstream.Overloaded());
        using var client = Client(sut);

        var message = await client.Messages.Create(Params());

        Assert.Equal("msg_01", message.ID);
        Assert.Equal(2, sut.Upstream.Requests.Count);
        // This SDK version sends ApiKey as Authorization: Bearer; pass-through keeps whichever it uses.
        Assert.All(sut.Upstream.Requests, r => Assert.Contains("sk-ant-sdk-test", r.Header("x-api-key") ?? r.Header("authorization"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sdk_Streaming_ThroughGateway()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Stream();
        using var client = Client(sut);

        var text = new System.Text.StringBuilder();
        var events = 0;
        await foreach (var e in client.Messages.CreateStreaming(Params()))
        {
            events++;
            if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
            {
                text.Append(t.Text);
            }
        }

        Assert.Equal("Hello world", text.ToString());
        Assert.Equal(7, events);
    }

    [Fact]
    public async Task Sdk_GatewayGivesUpOnOverload_SdkDoesNotStackItsOwnRetries()
    {
        await using var sut = await CreateSut(o => o.Breakwater.Retry.Overloaded.MaxRetries = 1);
        sut.Upstream.Default = FakeUpstream.Overloaded();
        using var client = Client(sut);

        await Assert.ThrowsAnyAsync<Exception>(() => client.Messages.Create(Params()));

        // The SDK's default 2 retries would make 6 upstream attempts; x-should-retry: false keeps it at the gateway's 2.
        Assert.Equal(2, sut.Upstream.Requests.Count);
    }
}
