using System.Collections.Concurrent;
using System.Diagnostics;
using Anthropic;
using Anthropic.Models.Messages;
using Breakwater.Simulator;
using Breakwater.Simulator.Scripting;

namespace Breakwater.Cli.Tests.CrossCheck;

/// <summary>
/// The benchmark's sdk-default policy is a model of the official SDK. Here the real SDK (default retries) runs against
/// `breakwater simulate` over loopback, and its attempts and waits are checked against that model: 2 retries, waits
/// min(0.5·2^n, 8) s × (1 − 0.25·U), retry-after honoured when 0 &lt; v ≤ 60 s. Real time by necessity (the SDK's own
/// timers), so waits are checked against the model's ranges, never a single instant.
/// </summary>
public sealed class SdkDefaultCrossCheckTests
{
    [Fact]
    public async Task OfficialSdk_Scripted529x3Then429RetryAfter5_MatchesTheSdkDefaultModel()
    {
        using var simulator = new Simulator.Simulator(new SimulatorOptions());
        await using var server = await SimulatorServer.StartAsync(simulator, port: 0);
        var arrivals = new ConcurrentQueue<(long Timestamp, string RetryCount)>();
        using var recorder = new RecordingHandler(arrivals);
        using var client = new AnthropicClient { ApiKey = "sk-ant-crosscheck", BaseUrl = server.Url.ToString().TrimEnd('/'), Handlers = [recorder] };
        var request = new MessageCreateParams { Model = "claude-sonnet-4-5", MaxTokens = 16, Messages = [new UserMessageParam("Hi")] };

        // Warm up the SDK's error and retry path once (first-use JIT would otherwise land inside the first wait).
        simulator.Script([new ScriptedResponse { Status = 529 }, new ScriptedResponse { Status = 200 }]);
        await client.Messages.Create(request);
        arrivals.Clear();

        simulator.Script(
        [
            new ScriptedResponse { Status = 529 },
            new ScriptedResponse { Status = 529 },
            new ScriptedResponse { Status = 529 },
            new ScriptedResponse { Status = 429, Headers = new Dictionary<string, string> { ["retry-after"] = "5" } },
            new ScriptedResponse { Status = 200 },
        ]);

        // Call 1: three 529s. The SDK makes 1 + 2 retries and gives up: the model's attempt count.
        await Assert.ThrowsAnyAsync<Exception>(() => client.Messages.Create(request));
        var first = arrivals.ToArray();
        Assert.Equal(3, first.Length);
        Assert.Equal(["0", "1", "2"], first.Select(f => f.RetryCount));
        var w1 = Seconds(first[0].Timestamp, first[1].Timestamp);
        var w2 = Seconds(first[1].Timestamp, first[2].Timestamp);
        // Model (and the SDK's RetryingExecutor.ComputeRetryBackoff): retry n waits min(0.5·2^(n−1), 8) × (1 − 0.25·U).
        // Never sooner than the model's floor; the ceiling allows for a 2-core host running other test projects.
        Assert.InRange(w1, 0.5 * 0.75, 0.5 + 1.5);
        Assert.InRange(w2, 1.0 * 0.75, 1.0 + 1.5);

        // Call 2: a 429 with retry-after: 5 (≤ 60 s, so the SDK honours it), then 200.
        arrivals.Clear();
        var message = await client.Messages.Create(request);
        var second = arrivals.ToArray();
        Assert.NotNull(message);
        Assert.Equal(2, second.Length);
        // 5 s less a millisecond of timer granularity (seen: 4.9998 s); the ceiling allows for a 2-core host under load.
        Assert.InRange(Seconds(second[0].Timestamp, second[1].Timestamp), 4.99, 7.0);
    }

    private static double Seconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalSeconds;

    private sealed class RecordingHandler(ConcurrentQueue<(long, string)> arrivals) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var retry = request.Headers.TryGetValues("x-stainless-retry-count", out var v) ? string.Join(",", v) : "";
            arrivals.Enqueue((Stopwatch.GetTimestamp(), retry));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
