using Breakwater.Pacing;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Pacing;

public sealed class RetryAfterHoldTests
{
    [Fact]
    public void BlockUntil_RetryAfter_HoldsEveryCallOnTheKeyUntilItExpires()
    {
        var time = new FakeTimeProvider();
        var pacer = new RateLimitPacer(new PacingOptions(), time);

        pacer.BlockUntil(time.GetUtcNow() + TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(30), pacer.BlockedFor());
        Assert.Equal(TimeSpan.FromSeconds(30), pacer.NextDelay().Wait);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.Zero, pacer.BlockedFor());
        Assert.Equal(TimeSpan.Zero, pacer.NextDelay().Wait);
    }

    [Fact]
    public void BlockUntil_EarlierThanTheCurrentBlock_NeverShortensIt()
    {
        var time = new FakeTimeProvider();
        var pacer = new RateLimitPacer(new PacingOptions(), time);

        pacer.BlockUntil(time.GetUtcNow() + TimeSpan.FromSeconds(30));
        pacer.BlockUntil(time.GetUtcNow() + TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(30), pacer.BlockedFor());
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfter_HoldsAnotherCallOfTheSameKey()
    {
        var time = new ObservableTimeProvider();
        var upstream = new ScriptedHandler(time, n => n == 0
            ? Api.Error(429, "rate_limit_error", "req_rl", ("retry-after", "10"))
            : Api.Ok($"req_{n}"));
        var options = new BreakwaterOptions();
        options.Retry.RateLimited.MaxRetries = 0;
        using var breakwaterHandler = new BreakwaterHandler(options, time, new FixedRandom(0)) { InnerHandler = upstream };
        using var invoker = new HttpMessageInvoker(breakwaterHandler);

        using var request2 = Api.Request();
        using (var first = await TimeLoop.Run(time, invoker.SendAsync(request2, CancellationToken.None), TimeSpan.FromMilliseconds(10)))
        {
            Assert.Equal(429, (int)first.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        using var request = Api.Request();
        using var second = await TimeLoop.Run(time, invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(10));

        Assert.Equal(200, (int)second.StatusCode);
        Assert.Equal(10, Math.Round((upstream.Requests[1].At - upstream.Requests[0].At).TotalSeconds, 1));
    }
}
