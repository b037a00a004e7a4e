using System.Security.Cryptography;
using System.Text;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests;

public class VirtualTimeRunTests
{
    private static (Simulator Sim, VirtualTimeProvider Clock, HttpMessageInvoker Invoker) CreateSut(Scenario scenario, int seed) => TestKit.Virtual(scenario, seed);

    [Fact]
    public void ThousandRequests_JsonAndStreams_AllCompleteOnTheDrivingThread()
    {
        var scenario = ScenarioCatalog.Get("flash-storm") with { MidStream = new ScenarioMidStream { Probability = 0.2 } };
        var (_, clock, invoker) = CreateSut(scenario, seed: 3);
        var testThread = Environment.CurrentManagedThreadId;
        var threads = new List<int>();
        var outcomes = new List<string>();
        var arrivals = new Random(11);

        async Task OneAsync(int i)
        {
            var stream = i % 2 == 0;
            using var response = await invoker.SendAsync(TestKit.Messages(stream: stream, maxTokens: 500), CancellationToken.None).ConfigureAwait(false);
            threads.Add(Environment.CurrentManagedThreadId);
            var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            threads.Add(Environment.CurrentManagedThreadId);
            outcomes.Add($"{(int)response.StatusCode}:{(stream && response.IsSuccessStatusCode ? TestKit.ParseSse(body)[^1].Event : "json")}");
        }

        var tasks = new List<Task>();
        var at = clock.GetUtcNow();
        for (var i = 0; i < 1000; i++)
        {
            // Poisson arrivals at 40/s against μ = 12/s: queues fill, 529s appear, streams interleave.
            at = at.AddSeconds(-Math.Log(1 - arrivals.NextDouble()) / 40);
            clock.RunUntil(at);
            tasks.Add(OneAsync(i));
        }

        clock.RunUntil(at.AddMinutes(10));

        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(2000, threads.Count);
        Assert.All(threads, id => Assert.Equal(testThread, id));
        Assert.Contains(outcomes, o => o == "200:message_stop");
        Assert.Contains(outcomes, o => o == "200:error");
        Assert.Contains(outcomes, o => o == "200:json");
        Assert.Contains(outcomes, o => o.StartsWith("529", StringComparison.Ordinal));
    }

    [Fact]
    public void SameSeedSameRun_ByteIdenticalStats_DifferentSeedDiffers()
    {
        var first = Hash(RunFlashStorm(seed: 42));
        var second = Hash(RunFlashStorm(seed: 42));
        var other = Hash(RunFlashStorm(seed: 43));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void NinetyMinuteScenario_RunsInVirtualTime()
    {
        var scenario = ScenarioCatalog.Get("long-incident");
        var (sim, clock, invoker) = CreateSut(scenario, seed: 5);
        var sonnet = scenario.FindModel("claude-sonnet-4-5")!;
        var arrivals = new Random(5);
        var start = clock.GetUtcNow();
        var at = start;
        var end = at.AddSeconds(scenario.RunSeconds);
        var tasks = new List<Task<HttpResponseMessage>>();
        while (true)
        {
            // A tenth of the offered load keeps the test quick; what matters is that 90 minutes pass in virtual time.
            var rate = scenario.OfferedRateAt(sonnet, (at - start).TotalSeconds) / 10;
            at = at.AddSeconds(-Math.Log(1 - arrivals.NextDouble()) / rate);
            if (at >= end)
            {
                break;
            }

            clock.RunUntil(at);
            using var request = TestKit.Messages();
            tasks.Add(invoker.SendAsync(request, CancellationToken.None));
        }

        clock.RunUntil(end.AddMinutes(5));

        Assert.True(tasks.Count > 4000);
        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(TimeSpan.FromMinutes(95), sim.ScenarioElapsed);
    }

    private static string RunFlashStorm(int seed)
    {
        var scenario = ScenarioCatalog.Get("flash-storm") with { RunSeconds = 420 };
        var (sim, clock, invoker) = CreateSut(scenario, seed);
        var arrivals = new Random(seed);
        var at = clock.GetUtcNow();
        var end = at.AddSeconds(scenario.RunSeconds);
        var n = 0;
        var requests = new List<HttpRequestMessage>();
        while (true)
        {
            at = at.AddSeconds(-Math.Log(1 - arrivals.NextDouble()) / 9);
            if (at >= end)
            {
                break;
            }

            clock.RunUntil(at);
            var retry = n++ % 7 == 0 ? 1 : -1;
            var request = TestKit.Messages(stream: n % 3 == 0, maxTokens: 300 + (n % 50), retryCount: retry);
            requests.Add(request);
            _ = invoker.SendAsync(request, CancellationToken.None);
        }

        clock.RunUntil(end.AddMinutes(5));
        foreach (var request in requests)
        {
            request.Dispose();
        }

        return sim.GetStatsJson();
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
