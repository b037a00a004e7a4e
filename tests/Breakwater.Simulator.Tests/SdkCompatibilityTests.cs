using Anthropic;
using Anthropic.Models.Messages;

namespace Breakwater.Simulator.Tests;

/// <summary>The official SDK (pinned) parses what the simulator sends, with strict response validation on.</summary>
public class SdkCompatibilityTests
{
    private static (AnthropicClient Client, Simulator Sim) CreateSut()
    {
        var sim = new Simulator(new SimulatorOptions { Scenario = TestKit.Tiny(slots: 10, serviceSeconds: 0.01), Seed = 4 });
        var client = new AnthropicClient
        {
            ApiKey = TestKit.Key,
            BaseUrl = "http://127.0.0.1",
            HttpClient = new HttpClient(sim.CreateHandler()),
            MaxRetries = 0,
            ResponseValidation = true,
        };
        return (client, sim);
    }

    private static MessageCreateParams Params() => new()
    {
        Model = "claude-sonnet-4-5",
        MaxTokens = 50,
        Messages = [new UserMessageParam { Content = "Hello" }],
    };

    [Fact]
    public async Task Create_Json_ParsesWithValidation()
    {
        var (client, _) = CreateSut();

        var message = await client.Messages.Create(Params());

        Assert.StartsWith("msg_", message.ID, StringComparison.Ordinal);
        Assert.True(message.Usage.OutputTokens > 0);
        Assert.NotEmpty(message.Content);
    }

    [Fact]
    public async Task CreateStreaming_ParsesEveryEvent()
    {
        var (client, _) = CreateSut();
        var count = 0;

        await foreach (var streamEvent in client.Messages.CreateStreaming(Params()))
        {
            streamEvent.Validate();
            count++;
        }

        Assert.True(count >= 6);
    }

    [Fact]
    public async Task Create_Scripted529_SurfacesAsAnSdkErrorWithStatus529()
    {
        var (client, sim) = CreateSut();
        sim.Script([new Breakwater.Simulator.Scripting.ScriptedResponse { Status = 529 }]);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => client.Messages.Create(Params()));

        Assert.Contains("529", e.ToString(), StringComparison.Ordinal);
    }
}
