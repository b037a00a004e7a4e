using System.Net;
using Breakwater.Health;
using Breakwater.Tests.TestKit;

namespace Breakwater.Tests.Health;

public sealed class BreakerWaitTests
{
    [Fact]
    public async Task SendAsync_BreakerOpenNoFallbackDefaultWait_WaitsForTheProbeAndSucceeds()
    {
        var healthy = false;
        var time = new ObservableTimeProvider();
        var upstream = new ScriptedHandler(time, n => healthy ? Api.Ok($"req_{n}") : Api.Overloaded($"req_{n}"));
        var options = new BreakwaterOptions();
        options.CircuitBreaker.MinimumThroughput = 2;
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(10);
        options.Retry.Overloaded.MaxRetries = 0;
        options.Throttle.Enabled = false;
        Assert.Equal(BreakerOpenBehavior.Wait, options.CircuitBreaker.WhenOpen);
        using var breakwaterHandler = new BreakwaterHandler(options, time, new FixedRandom(0)) { InnerHandler = upstream };
        using var invoker = new HttpMessageInvoker(breakwaterHandler);

        // Two overloads open the breaker.
        for (var i = 0; i < 2; i++)
        {
            using var rRequest = Api.Request();
            using var r = await TimeLoop.Run(time, invoker.SendAsync(rRequest, CancellationToken.None), TimeSpan.FromMilliseconds(10));
        }

        var sentBefore = upstream.Count;
        using var request = Api.Request();
        var waiting = invoker.SendAsync(request, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(waiting.IsCompleted);
        Assert.Equal(sentBefore, upstream.Count);

        healthy = true;
        using var response = await TimeLoop.Run(time, waiting, TimeSpan.FromMilliseconds(10));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(sentBefore + 1, upstream.Count);
    }

    [Fact]
    public async Task SendAsync_BreakerOpenWaitPastDeadline_GivesUpWithBreaker()
    {
        var time = new ObservableTimeProvider();
        var upstream = new ScriptedHandler(time, n => Api.Overloaded($"req_{n}"));
        var options = new BreakwaterOptions { TotalDeadline = TimeSpan.FromSeconds(3) };
        options.CircuitBreaker.MinimumThroughput = 2;
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(30);
        options.Retry.Overloaded.MaxRetries = 0;
        options.Throttle.Enabled = false;
        using var breakwaterHandler = new BreakwaterHandler(options, time, new FixedRandom(0)) { InnerHandler = upstream };
        using var invoker = new HttpMessageInvoker(breakwaterHandler);
        for (var i = 0; i < 2; i++)
        {
            using var rRequest = Api.Request();
            using var r = await TimeLoop.Run(time, invoker.SendAsync(rRequest, CancellationToken.None), TimeSpan.FromMilliseconds(10));
        }

        using var request = Api.Request();
        using var response = await TimeLoop.Run(time, invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(10));

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("breaker", string.Join(",", response.Headers.GetValues(BreakwaterHeaders.GiveUp)));
        Assert.Equal(2, upstream.Count);
    }
}
