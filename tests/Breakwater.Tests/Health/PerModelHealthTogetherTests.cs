using System.Globalization;
using System.Net;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using static Breakwater.Tests.Health.HealthSut;

namespace Breakwater.Tests.Health;

public sealed class PerModelHealthTogetherTests
{
    /// <summary>Every mechanism on: chain opus → sonnet → haiku, a breaker that opens after 2 overloads, the default limit, throttle and pacing.</summary>
    private static HealthSut CreateSut(Func<int, string, HttpResponseMessage> byModel) =>
        HealthSut.Create(byModel, o =>
        {
            o.Fallback.Add(Opus, Sonnet, Haiku);
            o.CircuitBreaker.MinimumThroughput = 2;
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(10);
            o.Concurrency.InitialLimit = 8;
            Assert.True(o.Throttle.Enabled && o.Pacing.Enabled && o.Concurrency.Enabled && o.CircuitBreaker.Enabled);
        });

    /// <summary>Opus is overloaded; sonnet answers with ample quota headers.</summary>
    private static HttpResponseMessage OpusDown(int n, string model)
    {
        if (model == Opus)
        {
            return Api.Overloaded($"req_opus_{n}", ("anthropic-ratelimit-requests-limit", "4000"), ("anthropic-ratelimit-requests-remaining", "3999"));
        }

        var ok = Api.Ok($"req_{n}");
        ok.Headers.TryAddWithoutValidation("anthropic-ratelimit-requests-limit", "4000");
        ok.Headers.TryAddWithoutValidation("anthropic-ratelimit-requests-remaining", (3999 - n).ToString(CultureInfo.InvariantCulture));
        ok.Headers.TryAddWithoutValidation("anthropic-ratelimit-requests-reset", "2026-11-27T12:01:00Z");
        return ok;
    }

    [Fact]
    public Task SendAsync_OpusOverloadedSonnetFine_EveryCallSucceedsViaFallbackAndOpusBreakerEndsOpen() => WithoutContext(async () =>
    {
        using var sut = CreateSut(OpusDown);

        // A burst of 10 at once, then 20 more one by one, all within the 10 s break.
        var burst = await TimeLoop.Run(sut.Time, Task.WhenAll(Enumerable.Range(0, 10).Select(_ => sut.Start())), TimeSpan.FromMilliseconds(50));
        var sequential = new List<HttpResponseMessage>();
        for (var i = 0; i < 20; i++)
        {
            sut.Time.Advance(TimeSpan.FromMilliseconds(250));
            sequential.Add(await sut.Send());
        }

        var all = burst.Concat(sequential).ToArray();
        Assert.All(all, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(Sonnet, Header(r, BreakwaterHeaders.Model));
            Assert.Equal(Opus, Header(r, BreakwaterHeaders.FallbackFrom));
            Assert.Equal("", Header(r, BreakwaterHeaders.GiveUp));
        });

        // Two overloads opened opus' breaker; after that no call spent anything on opus.
        Assert.Equal(2, sut.SeenFor(Opus));
        Assert.Equal(30, sut.SeenFor(Sonnet));
        Assert.Equal(0, sut.SeenFor(Haiku));
        Assert.Equal(CircuitState.Open, sut.Model(Opus).BreakerState);
        Assert.Equal(CircuitState.Closed, sut.Model(Sonnet).BreakerState);
        Assert.Equal(30, sut.Fallbacks.Sum(m => m.Value));
        Assert.All(sut.Fallbacks, m => Assert.Equal((Opus, Sonnet), ((string?)m.Tags["from"], (string?)m.Tags["to"])));

        // Nothing left holding a slot or queued; sonnet's throttle saw only accepts.
        Assert.Equal((0, 0), (sut.Model(Opus).Limiter.InFlight, sut.Model(Opus).Limiter.Queued));
        Assert.Equal((0, 0), (sut.Model(Sonnet).Limiter.InFlight, sut.Model(Sonnet).Limiter.Queued));
        Assert.Equal(0, sut.Model(Sonnet).Throttle.RejectProbability);
        Assert.True(sut.Model(Opus).Limiter.Limit < 8, "opus' overloads shrank its limit");
    });

    [Fact]
    public void Validate_SeveralProblems_ListsEveryOneAtOnce()
    {
        var options = new BreakwaterOptions();
        options.Fallback.Add(Opus);
        options.Fallback.Add(Opus, Sonnet, Opus);
        options.Concurrency.MinLimit = 50;
        options.Concurrency.MaxLimit = 10;

        var problems = options.Validate();

        Assert.Contains(problems, p => p.Contains("Chains:0", StringComparison.Ordinal) && p.Contains("at least two", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Chains:1", StringComparison.Ordinal) && p.Contains("repeat", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("MinLimit (50)", StringComparison.Ordinal) && p.Contains("MaxLimit (10)", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Constructor_InvalidHealthOptions_ThrowsOneExceptionListingEveryProblem()
    {
        var options = new BreakwaterOptions();
        options.Fallback.Add(Opus);
        options.Fallback.Add(Sonnet, Sonnet);
        options.Fallback.SameModelRetries = 11;
        options.Concurrency.MinLimit = 5;
        options.Concurrency.MaxLimit = 4;
        options.Concurrency.DecreaseFactor = 1.5;
        options.CircuitBreaker.FailureRatio = 0;
        options.CircuitBreaker.BreakDuration = TimeSpan.FromMilliseconds(100);
        options.Throttle.Window = TimeSpan.Zero;
        options.Pacing.Threshold = 2;

        var ex = Assert.Throws<OptionsValidationException>(() => new BreakwaterHandler(options));

        var all = string.Join("\n", ex.Failures);
        foreach (var expected in new[] { "Chains:0", "Chains:1", "SameModelRetries", "MinLimit", "DecreaseFactor", "FailureRatio", "BreakDuration", "Throttle:Window", "Threshold" })
        {
            Assert.Contains(expected, all, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_Defaults_AreValid()
    {
        var options = new BreakwaterOptions();
        options.Fallback.Add(Opus, Sonnet, Haiku);

        Assert.Empty(options.Validate());
    }
}
