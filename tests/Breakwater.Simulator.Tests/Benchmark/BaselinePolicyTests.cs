using System.Net;
using Breakwater.Simulator.Benchmark;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests.Benchmark;

public class BaselinePolicyTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(60);

    private static (VirtualTimeProvider Clock, ScriptedHandler Upstream, HttpMessageInvoker Invoker) CreateSut(string policy, int seed, params Func<HttpResponseMessage>[] script)
    {
        var clock = new VirtualTimeProvider();
        var upstream = new ScriptedHandler(clock, script);
        var random = new Random(seed);
        #pragma warning disable CA2000 // Ownership moves to the returned HttpMessageInvoker, which disposes the handler chain.
        DelegatingHandler handler = policy switch
        {
            BenchPolicies.SdkDefault => new SdkDefaultHandler(clock, random, AttemptTimeout),
            BenchPolicies.Naive529 => new Naive529Handler(clock, random, AttemptTimeout),
            BenchPolicies.PollyStandard => new PollyStandardHandler(clock, random, AttemptTimeout),
            _ => new NoRetryHandler(clock, AttemptTimeout),
        };
        #pragma warning restore CA2000
        handler.InnerHandler = upstream;
        return (clock, upstream, new HttpMessageInvoker(handler));
    }

    private static HttpStatusCode Drive(VirtualTimeProvider clock, HttpMessageInvoker invoker)
    {
        return Task.Run(() =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "http://x/v1/messages") { Content = new ByteArrayContent("{}"u8.ToArray()) };
            var pending = invoker.SendAsync(request, CancellationToken.None);
            clock.RunUntil(clock.GetUtcNow().AddHours(1));
            Assert.True(pending.IsCompleted, "the policy must finish within the virtual hour");
            return pending.Result.StatusCode;
        }).GetAwaiter().GetResult();
    }

    private static double[] Gaps(ScriptedHandler upstream) => [.. upstream.Times.Zip(upstream.Times.Skip(1), (a, b) => Math.Round((b - a).TotalSeconds, 6))];

    [Fact]
    public void SdkDefault_TwoOverloads_RetriesTwiceWithJitteredHalfSecondBackoff()
    {
        var (clock, upstream, invoker) = CreateSut(BenchPolicies.SdkDefault, 7, ScriptedHandler.Status(529), ScriptedHandler.Status(529), ScriptedHandler.Status(529), ScriptedHandler.Status(200));
        var status = Drive(clock, invoker);

        var u = new Random(7);
        double[] expected = [Math.Round(0.5 * (1 - (0.25 * u.NextDouble())), 6), Math.Round(1.0 * (1 - (0.25 * u.NextDouble())), 6)];
        Assert.Equal((HttpStatusCode)529, status);
        Assert.Equal(3, upstream.Times.Count);
        Assert.Equal(expected, Gaps(upstream));
    }

    [Fact]
    public void SdkDefault_RetryAfterWithinSixtySeconds_WaitsExactly()
    {
        var (clock, upstream, invoker) = CreateSut(BenchPolicies.SdkDefault, 1, ScriptedHandler.Status(429, ("retry-after", "5")), ScriptedHandler.Status(200));
        Assert.Equal(HttpStatusCode.OK, Drive(clock, invoker));
        Assert.Equal([5.0], Gaps(upstream));
    }

    [Fact]
    public void SdkDefault_RetryAfterOverSixtySeconds_IgnoredForBackoff()
    {
        var (clock, upstream, invoker) = CreateSut(BenchPolicies.SdkDefault, 1, ScriptedHandler.Status(429, ("retry-after", "120")), ScriptedHandler.Status(200));
        Drive(clock, invoker);
        Assert.InRange(Gaps(upstream)[0], 0.375, 0.5);
    }

    [Theory]
    [InlineData(400, null, 1)]
    [InlineData(529, "false", 1)]
    [InlineData(400, "true", 2)]
    [InlineData(409, null, 2)]
    [InlineData(408, null, 2)]
    public void SdkDefault_StatusAndShouldRetryHeader_DecideRetry(int status, string? shouldRetry, int attempts)
    {
        var first = shouldRetry is null ? ScriptedHandler.Status(status) : ScriptedHandler.Status(status, ("x-should-retry", shouldRetry));
        var (clock, upstream, invoker) = CreateSut(BenchPolicies.SdkDefault, 1, first, ScriptedHandler.Status(200));
        Drive(clock, invoker);
        Assert.Equal(attempts, upstream.Times.Count);
    }

    [Fact]
    public void Naive529_StormOfOverloads_FiveAttemptsWithDoublingJitteredWaits()
    {
        var (clock, upstream, invoker) = CreateSut(BenchPolicies.Naive529, 3, ScriptedHandler.Status(529));
        Assert.Equal((HttpStatusCode)529, Drive(clock, invoker));

        var u = new Random(3);
        double[] expected = [.. new[] { 1.0, 2.0, 4.0, 8.0 }.Select(b => Math.Round(b + (u.NextDouble() * 0.75 * b), 6))];
        Assert.Equal(5, upstream.Times.Count);
        Assert.Equal(expected, Gaps(upstream));
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(500)]
    public void Naive529_OtherFailures_NotRetried(int status)
    {
        var (clock, upstream, invoker) = CreateSut(BenchPolicies.Naive529, 3, ScriptedHandler.Status(status), ScriptedHandler.Status(200));
        Assert.Equal((HttpStatusCode)status, Drive(clock, invoker));
        Assert.Single(upstream.Times);
    }

    [Fact]
    public void PollyStandard_Overloads_ThreeRetriesWithDecorrelatedJitter()
    {
        var (clock, upstream, invoker) = CreateSut(BenchPolicies.PollyStandard, 5, ScriptedHandler.Status(529));
        Drive(clock, invoker);

        var u = new Random(5);
        var prev = 0.0;
        double[] expected = [.. Enumerable.Range(0, 3).Select(a => Math.Round(PollyStandardHandler.Backoff(a, TimeSpan.FromSeconds(2), ref prev, u.NextDouble()).TotalSeconds, 6))];
        Assert.Equal(4, upstream.Times.Count);
        Assert.Equal(expected, Gaps(upstream));
    }

    [Fact]
    public void PollyStandard_RetryAfter_Honoured()
    {
        var (clock, upstream, invoker) = CreateSut(BenchPolicies.PollyStandard, 5, ScriptedHandler.Status(429, ("retry-after", "7")), ScriptedHandler.Status(200));
        Assert.Equal(HttpStatusCode.OK, Drive(clock, invoker));
        Assert.Equal([7.0], Gaps(upstream));
    }

    [Fact]
    public void PollyBackoff_GrowsExponentiallyOnAverage()
    {
        var random = new Random(1);
        var sums = new double[4];
        for (var run = 0; run < 2000; run++)
        {
            var prev = 0.0;
            for (var a = 0; a < 4; a++)
            {
                sums[a] += PollyStandardHandler.Backoff(a, TimeSpan.FromSeconds(2), ref prev, random.NextDouble()).TotalSeconds;
            }
        }

        // Polly's V2 jitter keeps the median near base × 2^attempt: 2, 4, 8, 16 s on average, give or take.
        Assert.InRange(sums[0] / 2000, 1.0, 3.0);
        Assert.InRange(sums[3] / 2000, 8.0, 24.0);
        Assert.True(sums[3] > sums[2] && sums[2] > sums[1]);
    }

    [Fact]
    public void PollyBreaker_TenPercentOfHundred_OpensForFiveSecondsThenOneProbe()
    {
        var clock = new VirtualTimeProvider();
        var breaker = new PollyBreakerModel(clock);
        for (var i = 0; i < 89; i++)
        {
            breaker.Record(failure: false);
        }

        for (var i = 0; i < 10; i++)
        {
            breaker.Record(failure: true);
        }

        Assert.True(breaker.TryEnter());
        breaker.Record(failure: true);
        Assert.Equal(1, breaker.Opened);
        Assert.False(breaker.TryEnter());
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter());
        Assert.False(breaker.TryEnter());
        breaker.Record(failure: false);
        Assert.True(breaker.TryEnter());
    }

    [Fact]
    public void None_Overload_OneAttempt()
    {
        var (clock, upstream, invoker) = CreateSut(BenchPolicies.None, 1, ScriptedHandler.Status(529), ScriptedHandler.Status(200));
        Assert.Equal((HttpStatusCode)529, Drive(clock, invoker));
        Assert.Single(upstream.Times);
    }
}
