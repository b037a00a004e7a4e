using System.Text;
using Breakwater.Simulator.Benchmark;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests.Benchmark;

public class AgentAndGatewayPolicyTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] Chain = ["model-a", "model-b", "model-c"];

    private sealed record Sut(VirtualTimeProvider Clock, ModelScriptedHandler Upstream, HttpMessageInvoker Invoker, DelegatingHandler Handler);

    private static Sut Create(string policy, int seed, Func<string, int, HttpResponseMessage?> script, IReadOnlyList<string>? chain = null)
    {
        var clock = new VirtualTimeProvider();
        var upstream = new ModelScriptedHandler(clock, script);
        var random = new Random(seed);
        #pragma warning disable CA2000 // Ownership moves to the returned HttpMessageInvoker, which disposes the handler chain.
        DelegatingHandler handler = policy switch
        {
            BenchPolicies.AgentTen => new AgentTenHandler(clock, random, AttemptTimeout),
            BenchPolicies.LiteLlmRouter => new LiteLlmRouterHandler(clock, random, AttemptTimeout, chain ?? []),
            _ => new PortkeyHandler(clock, AttemptTimeout),
        };
        handler.InnerHandler = upstream;
        return new Sut(clock, upstream, new HttpMessageInvoker(handler), handler);
        #pragma warning restore CA2000
    }

    /// <summary>Sends one call for <paramref name="model"/> and runs the virtual hour; the status (or exception type) and when the call ended.</summary>
    private static (string Result, double EndedAt) Drive(Sut sut, string model = "model-a")
    {
        return Task.Run(() =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/v1/messages")
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"model\":\"" + model + "\",\"max_tokens\":10}")),
            };
            var start = sut.Clock.GetUtcNow();
            var ended = TimeSpan.Zero;
            var pending = sut.Invoker.SendAsync(request, CancellationToken.None);
            _ = pending.ContinueWith(_ => ended = sut.Clock.GetUtcNow() - start, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            sut.Clock.RunUntil(sut.Clock.GetUtcNow().AddHours(1));
            Assert.True(pending.IsCompleted, "the policy must finish within the virtual hour");
            var result = pending.IsFaulted ? pending.Exception!.InnerException!.GetType().Name : ((int)pending.Result.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (result, Math.Round(ended.TotalSeconds, 6));
        }).GetAwaiter().GetResult();
    }

    private static double[] Gaps(ModelScriptedHandler upstream) => [.. upstream.Times.Zip(upstream.Times.Skip(1), (a, b) => Math.Round((b - a).TotalSeconds, 6))];

    private static Func<string, int, HttpResponseMessage?> Always(int status, params (string, string)[] headers) => (_, _) => ModelScriptedHandler.Status(status, headers);

    private static Func<string, int, HttpResponseMessage?> FirstThenOk(int status, params (string, string)[] headers)
        => (_, n) => n == 1 ? ModelScriptedHandler.Status(status, headers) : ModelScriptedHandler.Status(200);

    // ---- agent-10 (Claude Code) ----

    [Fact]
    public void AgentTen_Overloads_TenRetriesDoublingToThirtyTwoSecondsPlusUpToAQuarter()
    {
        var sut = Create(BenchPolicies.AgentTen, 11, Always(529));
        Assert.Equal("529", Drive(sut).Result);

        var u = new Random(11);
        double[] expected = [.. Enumerable.Range(0, 10).Select(n => Math.Round(Math.Min(0.5 * Math.Pow(2, n), 32) * (1 + (0.25 * u.NextDouble())), 6))];
        Assert.Equal(11, sut.Upstream.Calls.Count);
        Assert.All(expected.Zip(Gaps(sut.Upstream)), pair => Assert.Equal(pair.First, pair.Second, 0.00001));
        Assert.InRange(expected[^1], 32, 40);
    }

    [Fact]
    public void AgentTen_RetryAfter_WaitsTheLongerOfHeaderAndBackoff()
    {
        var sut = Create(BenchPolicies.AgentTen, 2, FirstThenOk(429, ("retry-after", "5")));
        Assert.Equal("200", Drive(sut).Result);
        Assert.Equal([5.0], Gaps(sut.Upstream));

        var zero = Create(BenchPolicies.AgentTen, 2, FirstThenOk(429, ("retry-after", "0")));
        Drive(zero);
        Assert.Equal([Math.Round(0.5 * (1 + (0.25 * new Random(2).NextDouble())), 6)], Gaps(zero.Upstream));
    }

    [Fact]
    public void AgentTen_RetryAfterOverSixtySeconds_EndsTheCall()
    {
        var sut = Create(BenchPolicies.AgentTen, 2, FirstThenOk(429, ("retry-after", "61")));
        Assert.Equal("429", Drive(sut).Result);
        Assert.Single(sut.Upstream.Calls);
    }

    [Fact]
    public void AgentTen_RetryAfterMs_IsNotRead()
    {
        var sut = Create(BenchPolicies.AgentTen, 4, FirstThenOk(529, ("retry-after-ms", "9000")));
        Drive(sut);
        Assert.InRange(Gaps(sut.Upstream)[0], 0.5, 0.625);
    }

    [Theory]
    [InlineData(529, "false", 2)]
    [InlineData(503, "false", 1)]
    [InlineData(400, "true", 2)]
    [InlineData(400, null, 1)]
    [InlineData(408, null, 2)]
    [InlineData(409, null, 2)]
    [InlineData(429, null, 2)]
    [InlineData(500, null, 2)]
    public void AgentTen_StatusAndShouldRetryHeader_DecideRetry(int status, string? shouldRetry, int attempts)
    {
        var sut = Create(BenchPolicies.AgentTen, 1, shouldRetry is null ? FirstThenOk(status) : FirstThenOk(status, ("x-should-retry", shouldRetry)));
        Drive(sut);
        Assert.Equal(attempts, sut.Upstream.Calls.Count);
    }

    [Fact]
    public void AgentTen_ConnectionErrorAndAttemptTimeout_AreRetried()
    {
        var sut = Create(BenchPolicies.AgentTen, 1, (_, n) => n switch
        {
            1 => throw new HttpRequestException("connection refused"),
            2 => ModelScriptedHandler.Hang,
            _ => ModelScriptedHandler.Status(200),
        });
        Assert.Equal("200", Drive(sut).Result);
        Assert.Equal(3, sut.Upstream.Calls.Count);
        Assert.True(Gaps(sut.Upstream)[1] >= AttemptTimeout.TotalSeconds + 1.0, "the second retry waits the attempt timeout, then the 1 s backoff");
    }

    [Theory]
    [InlineData("5", 5L)]
    [InlineData(" 12abc", 12L)]
    [InlineData("1.9", 1L)]
    [InlineData("-3", -3L)]
    [InlineData("Wed, 21 Oct 2026 07:28:00 GMT", null)]
    public void AgentTen_RetryAfterParse_IsJavaScriptParseInt(string header, long? expected)
        => Assert.Equal(expected, AgentTenHandler.JsParseInt(header));

    // ---- portkey ----

    [Fact]
    public void Portkey_Overloaded503_FiveRetriesAtOneTwoFourEightSixteenSeconds()
    {
        var sut = Create(BenchPolicies.Portkey, 0, Always(503));
        Assert.Equal("503", Drive(sut).Result);
        Assert.Equal(6, sut.Upstream.Calls.Count);
        Assert.Equal([1.0, 2.0, 4.0, 8.0, 16.0], Gaps(sut.Upstream));
    }

    [Theory]
    [InlineData(429, 2)]
    [InlineData(500, 2)]
    [InlineData(502, 2)]
    [InlineData(504, 2)]
    [InlineData(529, 1)]
    [InlineData(408, 1)]
    [InlineData(409, 1)]
    [InlineData(400, 1)]
    public void Portkey_DefaultOnStatusCodes_DecideRetry(int status, int attempts)
    {
        var sut = Create(BenchPolicies.Portkey, 0, FirstThenOk(status));
        Drive(sut);
        Assert.Equal(attempts, sut.Upstream.Calls.Count);
    }

    [Fact]
    public void Portkey_RetryAfter_IgnoredByDefault()
    {
        var sut = Create(BenchPolicies.Portkey, 0, FirstThenOk(429, ("retry-after", "30"), ("retry-after-ms", "30000")));
        Assert.Equal("200", Drive(sut).Result);
        Assert.Equal([1.0], Gaps(sut.Upstream));
    }

    [Fact]
    public void Portkey_ConnectionErrorRetried_AttemptTimeoutEndsTheCall()
    {
        var refused = Create(BenchPolicies.Portkey, 0, (_, n) => n == 1 ? throw new HttpRequestException("refused") : ModelScriptedHandler.Status(200));
        Assert.Equal("200", Drive(refused).Result);
        Assert.Equal([1.0], Gaps(refused.Upstream));

        var hung = Create(BenchPolicies.Portkey, 0, (_, _) => ModelScriptedHandler.Hang);
        var (result, endedAt) = Drive(hung);
        Assert.Equal(nameof(TimeoutException), result);
        Assert.Single(hung.Upstream.Calls);
        Assert.Equal(AttemptTimeout.TotalSeconds, endedAt);
    }

    // ---- litellm-router ----

    [Fact]
    public void LiteLlm_Overloads_ThreeAttemptsAndASleepAfterTheLast()
    {
        var sut = Create(BenchPolicies.LiteLlmRouter, 9, Always(529));
        var (result, endedAt) = Drive(sut);

        var u = new Random(9);
        double[] sleeps = [0.5 + (0.75 * u.NextDouble()), 1.0 + (0.75 * u.NextDouble()), 2.0 + (0.75 * u.NextDouble())];
        Assert.Equal("529", result);
        Assert.Equal(3, sut.Upstream.Calls.Count);
        Assert.Equal([Math.Round(sleeps[0], 6), Math.Round(sleeps[1], 6)], Gaps(sut.Upstream));
        Assert.Equal(Math.Round(sleeps.Sum(), 6), endedAt, 5);
    }

    [Fact]
    public void LiteLlm_RetryAfterWithinSixtySeconds_ObeyedPlusJitter_LongerIgnored()
    {
        var sut = Create(BenchPolicies.LiteLlmRouter, 3, FirstThenOk(429, ("retry-after", "7")));
        Assert.Equal("200", Drive(sut).Result);
        Assert.Equal([Math.Round(7 + (0.75 * new Random(3).NextDouble()), 6)], Gaps(sut.Upstream));

        var longer = Create(BenchPolicies.LiteLlmRouter, 3, FirstThenOk(429, ("retry-after", "61")));
        Drive(longer);
        Assert.Equal([Math.Round(0.5 + (0.75 * new Random(3).NextDouble()), 6)], Gaps(longer.Upstream));
    }

    [Theory]
    [InlineData(408, 2)]
    [InlineData(409, 2)]
    [InlineData(500, 2)]
    [InlineData(400, 1)]
    [InlineData(404, 1)]
    [InlineData(422, 1)]
    public void LiteLlm_ShouldRetryStatus_DecidesRetry(int status, int attempts)
    {
        var sut = Create(BenchPolicies.LiteLlmRouter, 1, FirstThenOk(status));
        Drive(sut);
        Assert.Equal(attempts, sut.Upstream.Calls.Count);
    }

    [Fact]
    public void LiteLlm_FallbackChain_PrimaryExhaustsItsRetriesThenTheNextModelServes()
    {
        var sut = Create(BenchPolicies.LiteLlmRouter, 5, (model, _) => ModelScriptedHandler.Status(model == "model-a" ? 529 : 200), Chain);
        Assert.Equal("200", Drive(sut).Result);
        Assert.Equal(["model-a", "model-a", "model-a", "model-b"], sut.Upstream.Models);
        Assert.InRange(Gaps(sut.Upstream)[2], 2.0, 2.75);
    }

    [Fact]
    public void LiteLlm_EveryGroupFails_EachRetriedThenThePrimaryFailureReturned()
    {
        var sut = Create(BenchPolicies.LiteLlmRouter, 5, (model, _) => ModelScriptedHandler.Status(model switch { "model-a" => 529, "model-b" => 503, _ => 500 }), Chain);
        Assert.Equal("529", Drive(sut).Result);
        Assert.Equal(["model-a", "model-a", "model-a", "model-b", "model-b", "model-b", "model-c", "model-c", "model-c"], sut.Upstream.Models);
    }

    [Fact]
    public void LiteLlm_NoChain_NoFallback_AndANonRetryable400FallsBackWithoutRetry()
    {
        var alone = Create(BenchPolicies.LiteLlmRouter, 5, (model, _) => ModelScriptedHandler.Status(model == "model-a" ? 529 : 200));
        Drive(alone);
        Assert.All(alone.Upstream.Models, m => Assert.Equal("model-a", m));

        var malformed = Create(BenchPolicies.LiteLlmRouter, 5, (model, _) => ModelScriptedHandler.Status(model == "model-a" ? 400 : 200), Chain);
        Assert.Equal("200", Drive(malformed).Result);
        Assert.Equal(["model-a", "model-b"], malformed.Upstream.Models);
    }

    [Fact]
    public void LiteLlmCooldown_SingleDeployment_OnlyNonRetryableOrAllOfAThousandFailuresCoolFiveSeconds()
    {
        var clock = new VirtualTimeProvider();
        var cooldowns = new LiteLlmCooldowns(clock);

        for (var i = 0; i < 999; i++)
        {
            cooldowns.RecordFailure("m", 529, connectionError: false, retryAfter: null);
        }

        Assert.False(cooldowns.IsCooling("m"));
        cooldowns.RecordFailure("m", 529, connectionError: false, retryAfter: null);
        Assert.True(cooldowns.IsCooling("m"));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(cooldowns.IsCooling("m"));

        cooldowns.RecordFailure("n", 429, connectionError: false, retryAfter: null);
        cooldowns.RecordFailure("n", 500, connectionError: true, retryAfter: null);
        Assert.False(cooldowns.IsCooling("n"));
        cooldowns.RecordFailure("n", 401, connectionError: false, retryAfter: TimeSpan.Zero);
        Assert.False(cooldowns.IsCooling("n"));
        cooldowns.RecordFailure("n", 401, connectionError: false, retryAfter: TimeSpan.FromSeconds(20));
        clock.Advance(TimeSpan.FromSeconds(19));
        Assert.True(cooldowns.IsCooling("n"));
        Assert.Equal(2, cooldowns.Started);
    }

    [Fact]
    public void LiteLlmCooldown_OneSuccessInTheMinute_KeepsTheThousandRuleOff()
    {
        var clock = new VirtualTimeProvider();
        var cooldowns = new LiteLlmCooldowns(clock);
        cooldowns.RecordSuccess("m");
        for (var i = 0; i < 1500; i++)
        {
            cooldowns.RecordFailure("m", 529, connectionError: false, retryAfter: null);
        }

        Assert.False(cooldowns.IsCooling("m"));
    }

    [Fact]
    public void LiteLlm_CoolingDeployment_FailsTheNextCallAt429WithoutAnUpstreamAttempt()
    {
        var sut = Create(BenchPolicies.LiteLlmRouter, 5, (_, n) => ModelScriptedHandler.Status(n == 1 ? 401 : 200));
        Assert.Equal("401", Drive(sut).Result);
        Assert.Single(sut.Upstream.Calls);
        Assert.Equal(1, ((LiteLlmRouterHandler)sut.Handler).Cooldowns.Started);

        // A fresh router whose deployment is cooling: the attempt never leaves the router.
        var cooling = Create(BenchPolicies.LiteLlmRouter, 5, Always(200));
        ((LiteLlmRouterHandler)cooling.Handler).Cooldowns.RecordFailure("model-a", 401, connectionError: false, retryAfter: TimeSpan.FromHours(2));
        Assert.Equal("429", Drive(cooling).Result);
        Assert.Empty(cooling.Upstream.Calls);
    }
}
