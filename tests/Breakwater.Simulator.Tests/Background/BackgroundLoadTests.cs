using System.Net;
using System.Text.Json;
using Breakwater.Simulator.Background;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests.Background;

/// <summary>
/// The scenario's other users played inside the simulator: a single client meets flash-storm's 529s at the peak
/// with background load on, and 200s without it; the arrivals follow the scenario's offered load. Virtual time.
/// </summary>
public sealed class BackgroundLoadTests
{
    private const string Opus = "claude-opus-4-1";
    private const string Haiku = "claude-haiku-4-5";

    private static (Simulator Sim, VirtualTimeProvider Clock, HttpMessageInvoker Invoker) CreateSut(Scenario scenario, bool background, int seed = 1)
    {
        var clock = new VirtualTimeProvider();
        var sim = new Simulator(new SimulatorOptions { Scenario = scenario, Seed = seed, TimeProvider = clock, BackgroundLoad = background });
        return (sim, clock, new HttpMessageInvoker(sim.CreateHandler()));
    }

    private static BackgroundCounts CountsOf(Simulator sim, string model) => sim.BackgroundCounts!.Single(c => c.Model == model);

    private static string ErrorType(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(TestKit.ReadCompleted(response));
        return doc.RootElement.GetProperty("error").GetProperty("type").GetString()!;
    }

    [Fact]
    public void FlashStormPeak_BackgroundOn_SingleClientGets529Overloaded()
    {
        var (sim, clock, invoker) = CreateSut(ScenarioCatalog.Get("flash-storm"), background: true);
        using var _ = sim;
        using var __ = invoker;
        clock.Advance(TimeSpan.FromSeconds(320)); // 20 s into the 30 s storm: the queue the other users filled is full

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using var request = TestKit.Messages();
            var task = invoker.SendAsync(request, CancellationToken.None);
            Assert.True(task.IsCompleted, "a 529 is answered at once, without waiting for the clock");
            using var response = TestKit.Done(task);
            statuses.Add((int)response.StatusCode);
            Assert.Equal("overloaded_error", ErrorType(response));
            Assert.Matches("^req_[0-9A-Za-z]{24}$", TestKit.Header(response, "request-id"));
        }

        Assert.Equal([529, 529, 529], statuses);
        var sonnet = sim.Capacity.Snapshot(TestKit.Sonnet);
        Assert.Equal(24, sonnet.Slots);
        Assert.Equal(sonnet.QueueBound, sonnet.Queued);
        Assert.True(CountsOf(sim, TestKit.Sonnet).Rejected > 0, "the other users met the storm too");
    }

    [Fact]
    public void FlashStormPeak_RequestsSpreadOverThePeak_MostlyGet529()
    {
        var (sim, clock, invoker) = CreateSut(ScenarioCatalog.Get("flash-storm"), background: true);
        using var _ = sim;
        using var __ = invoker;
        clock.Advance(TimeSpan.FromSeconds(315));

        // One request a second for 14 s: each meets a full queue unless a slot freed an instant before (then it queues).
        var tasks = new List<Task<HttpResponseMessage>>();
        for (var i = 0; i < 14; i++)
        {
            using var request = TestKit.Messages();
            tasks.Add(invoker.SendAsync(request, CancellationToken.None));
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var rejected = tasks.Count(t => t.IsCompleted && (int)t.Result.StatusCode == 529);
        Assert.True(rejected >= 7, $"{rejected} of 14 requests at the peak were 529");
        clock.Advance(TimeSpan.FromSeconds(120));
        Assert.All(tasks, t => Assert.Contains((int)TestKit.Done(t).StatusCode, new[] { 200, 529 }));
    }

    [Fact]
    public void FlashStormPeak_BackgroundOff_SingleClientGets200()
    {
        var (sim, clock, invoker) = CreateSut(ScenarioCatalog.Get("flash-storm"), background: false);
        using var _ = sim;
        using var __ = invoker;
        clock.Advance(TimeSpan.FromSeconds(320));

        var requests = Enumerable.Range(0, 3).Select(_ => TestKit.Messages()).ToList();
        var tasks = requests.Select(r => invoker.SendAsync(r, CancellationToken.None)).ToList();
        clock.Advance(TimeSpan.FromSeconds(120));

        Assert.All(tasks, t => Assert.Equal(HttpStatusCode.OK, TestKit.Done(t).StatusCode));
        requests.ForEach(r => r.Dispose());
        Assert.Null(sim.BackgroundCounts);
        Assert.Equal(3, sim.Capacity.Snapshot(TestKit.Sonnet).Started);
    }

    [Fact]
    public void FlashStormBeforeTheStorm_BackgroundOn_SingleClientGets200()
    {
        var (sim, clock, invoker) = CreateSut(ScenarioCatalog.Get("flash-storm"), background: true);
        using var _ = sim;
        using var __ = invoker;
        clock.Advance(TimeSpan.FromSeconds(200));

        var requests = Enumerable.Range(0, 3).Select(_ => TestKit.Messages()).ToList();
        var tasks = requests.Select(r => invoker.SendAsync(r, CancellationToken.None)).ToList();
        clock.Advance(TimeSpan.FromSeconds(90)); // still before the storm at 300 s

        Assert.All(tasks, t => Assert.Equal(HttpStatusCode.OK, TestKit.Done(t).StatusCode));
        requests.ForEach(r => r.Dispose());
        var sonnet = CountsOf(sim, TestKit.Sonnet);
        Assert.Equal(0, sonnet.Rejected);
        Assert.True(sim.Capacity.Snapshot(TestKit.Sonnet).Serving > 40, "the other users hold slots as 70 % of μ does");
    }

    [Theory]
    [InlineData("flash-storm", TestKit.Sonnet, 0, 300)]
    [InlineData("steady", TestKit.Sonnet, 0, 600)]
    [InlineData("metastable", TestKit.Sonnet, 1200, 1500)] // the shed phase: 20 % of μ
    [InlineData("metastable", TestKit.Sonnet, 1500, 1800)] // back to 80 %
    [InlineData("opus-outage", Opus, 0, 900)]
    [InlineData("opus-outage", TestKit.Sonnet, 0, 900)]
    [InlineData("opus-outage", Haiku, 0, 900)]
    public void Arrivals_FollowTheScenariosOfferedLoad(string name, string modelName, double from, double to)
    {
        var scenario = ScenarioCatalog.Get(name);
        var model = scenario.Models.Single(m => m.Name == modelName);
        var (sim, clock, invoker) = CreateSut(scenario, background: true, seed: 3);
        using var _ = sim;
        using var __ = invoker;

        clock.Advance(TimeSpan.FromSeconds(from));
        var before = CountsOf(sim, modelName).Arrivals;
        clock.Advance(TimeSpan.FromSeconds(to - from));
        var arrivals = CountsOf(sim, modelName).Arrivals - before;

        // Poisson: within 4 standard deviations of rate × duration (the rate is constant over each window).
        var expected = scenario.OfferedRateAt(model, from) * (to - from);
        Assert.True(expected > 0);
        Assert.InRange(arrivals, expected - (4 * Math.Sqrt(expected)), expected + (4 * Math.Sqrt(expected)));
    }

    [Fact]
    public void Arrivals_ModelWithoutLoad_GetsNone()
    {
        var (sim, clock, invoker) = CreateSut(ScenarioCatalog.Get("flash-storm"), background: true);
        using var _ = sim;
        using var __ = invoker;

        clock.Advance(TimeSpan.FromSeconds(600));

        Assert.Equal(0, CountsOf(sim, Opus).Arrivals);
        Assert.Equal(0, CountsOf(sim, Haiku).Arrivals);
        Assert.Equal(0, sim.Capacity.Snapshot(Opus).Started);
    }

    [Fact]
    public void Arrivals_SameSeed_SameRun()
    {
        static string Run()
        {
            var (sim, clock, invoker) = CreateSut(ScenarioCatalog.Get("flash-storm"), background: true, seed: 11);
            using var _ = sim;
            using var __ = invoker;
            clock.Advance(TimeSpan.FromSeconds(400));
            return sim.GetStatsJson();
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void RateLimited_BackgroundKeysLimitsHoldItsLoadUnderCapacity_AndYourKeyIsYours()
    {
        // 14/s from one key against RPM 600 (a full bucket of 600, then 10/s): the limits refuse the rest, so Sonnet
        // (μ = 12/s) is never overloaded.
        var (sim, clock, invoker) = CreateSut(ScenarioCatalog.Get("rate-limited"), background: true);
        using var _ = sim;
        using var __ = invoker;
        clock.Advance(TimeSpan.FromSeconds(300));

        var counts = CountsOf(sim, TestKit.Sonnet);
        Assert.InRange(counts.Arrivals, 4000, 4400);
        Assert.True(counts.RateLimited > 400, $"{counts.RateLimited} background requests were rate limited");
        Assert.InRange(counts.Served, 0, 600 + (10 * 300) + 1);
        Assert.Equal(counts.Arrivals, counts.Served + counts.RateLimited + counts.Rejected + counts.Abandoned + sim.Capacity.Snapshot(TestKit.Sonnet).Queued);
        Assert.Equal(0, counts.Rejected);
        Assert.Equal(0, sim.Capacity.Snapshot(TestKit.Sonnet).Rejected);

        using var request = TestKit.Messages();
        using var response = TestKit.Run(clock, invoker.SendAsync(request, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task FlashStormPeak_OverHttp_SingleClientGets529()
    {
        // What curl sees at the peak: the simulator on 127.0.0.1 port 0, its virtual clock held at 320 s, so nothing
        // frees a slot or a queue place between the requests.
        var clock = new VirtualTimeProvider();
        using var sim = new Simulator(new SimulatorOptions { Scenario = ScenarioCatalog.Get("flash-storm"), Seed = 1, TimeProvider = clock, BackgroundLoad = true });
        clock.Advance(TimeSpan.FromSeconds(320));
        await using var server = await SimulatorServer.StartAsync(sim, port: 0);
        using var client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30) };

        for (var i = 0; i < 3; i++)
        {
            using var content = new StringContent($$"""{"model":"{{TestKit.Sonnet}}","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}""", System.Text.Encoding.UTF8, "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/messages", UriKind.Relative)) { Content = content };
            request.Headers.Add("x-api-key", TestKit.Key);
            request.Headers.Add("anthropic-version", "2023-06-01");
            using var response = await client.SendAsync(request);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

            Assert.Equal(529, (int)response.StatusCode);
            Assert.Equal("overloaded_error", doc.RootElement.GetProperty("error").GetProperty("type").GetString());
        }

        using var stats = JsonDocument.Parse(await client.GetStringAsync(new Uri("/simulator/stats", UriKind.Relative)));
        Assert.Equal(3, stats.RootElement.GetProperty("byStatus").GetProperty("529").GetInt64());
        Assert.True(stats.RootElement.GetProperty("background").GetProperty("rejected").GetInt64() > 0);
    }

    [Fact]
    public void QueuedBackgroundCaller_GivesUpAfterTheAttemptTimeout()
    {
        // 1 slot held 100 s, one arrival a second, a long queue: everyone after the first waits, and leaves after 5 s.
        var scenario = TestKit.Tiny(slots: 1, serviceSeconds: 100, queueSeconds: 1000) with
        {
            AttemptTimeoutSeconds = 5,
            Load = [new ScenarioLoadPhase { Model = "all", Rate = 1 }],
        };
        var (sim, clock, invoker) = CreateSut(scenario, background: true);
        using var _ = sim;
        using var __ = invoker;

        clock.Advance(TimeSpan.FromSeconds(60));
        var counts = CountsOf(sim, TestKit.Sonnet);
        var pool = sim.Capacity.Snapshot(TestKit.Sonnet);

        Assert.Equal(1, counts.Served);
        Assert.Equal(counts.Arrivals - 1, counts.Queued);
        Assert.Equal(counts.Queued - pool.Queued, counts.Abandoned);
        Assert.InRange(pool.Queued, 0, 20); // only the last ~5 s of arrivals are still waiting
        Assert.True(counts.Abandoned > 20);
        Assert.Equal(counts.Abandoned, pool.Abandoned);
    }

    [Fact]
    public void StatsJson_BackgroundOn_HasABackgroundSectionAndLeavesTheRequestCountsAlone()
    {
        var (sim, clock, invoker) = CreateSut(ScenarioCatalog.Get("flash-storm"), background: true);
        using var _ = sim;
        using var __ = invoker;
        clock.Advance(TimeSpan.FromSeconds(330));

        using var request = TestKit.Get("/simulator/stats");
        using var response = TestKit.Run(clock, invoker.SendAsync(request, CancellationToken.None));
        using var doc = JsonDocument.Parse(TestKit.ReadCompleted(response));
        var root = doc.RootElement;
        var background = root.GetProperty("background");
        var sonnet = background.GetProperty("byModel").GetProperty(TestKit.Sonnet);
        var counts = CountsOf(sim, TestKit.Sonnet);

        Assert.Equal(0, root.GetProperty("total").GetInt64()); // background requests are not HTTP requests
        Assert.Equal(counts.Arrivals, background.GetProperty("arrivals").GetInt64());
        Assert.Equal(counts.Arrivals, sonnet.GetProperty("arrivals").GetInt64());
        Assert.Equal(counts.Rejected, background.GetProperty("rejected").GetInt64());
        Assert.True(background.GetProperty("rejected").GetInt64() > 0);
        Assert.True(background.GetProperty("served").GetInt64() > 2000);
        Assert.Equal(0, background.GetProperty("byModel").GetProperty(Opus).GetProperty("arrivals").GetInt64());
    }

    [Fact]
    public void StatsJson_BackgroundOff_HasNoBackgroundSection()
    {
        var (sim, clock, invoker) = CreateSut(ScenarioCatalog.Get("flash-storm"), background: false);
        using var _ = sim;
        using var __ = invoker;
        clock.Advance(TimeSpan.FromSeconds(330));

        using var doc = JsonDocument.Parse(sim.GetStatsJson());

        Assert.False(doc.RootElement.TryGetProperty("background", out var _));
        Assert.Equal(0, sim.Capacity.Snapshot(TestKit.Sonnet).Started);
        Assert.Equal(0, clock.PendingTimers);
    }

    [Fact]
    public void SwitchScenario_BackgroundFollowsTheNewScenario()
    {
        var (sim, clock, invoker) = CreateSut(ScenarioCatalog.Get("steady"), background: true);
        using var _ = sim;
        using var __ = invoker;
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.True(CountsOf(sim, TestKit.Sonnet).Arrivals > 300);

        sim.SwitchScenario(TestKit.Tiny()); // no load
        clock.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal(0, CountsOf(sim, TestKit.Sonnet).Arrivals);
        Assert.Equal(0, sim.Capacity.Snapshot(TestKit.Sonnet).Started);
    }
}
