using Breakwater.Tests.Health;
using Polly.CircuitBreaker;
using static Breakwater.Tests.Health.HealthSut;

namespace Breakwater.Tests.Concurrency;

/// <summary>A call cut off by its own deadline says nothing about the upstream: no overload signal anywhere.</summary>
public sealed class CallerDeadlineSignalTests
{
    private static HealthSut CreateSut(HeldUpstream upstream) =>
        HealthSut.Create(upstream.Respond, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
            o.Concurrency.InitialLimit = 100;
            o.CircuitBreaker.MinimumThroughput = 2;
            o.Retry.ServerError.MaxRetries = 0;
        });

    private static async Task<Exception?> Outcome(Task<HttpResponseMessage> call)
    {
        try
        {
            (await call).Dispose();
            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or TimeoutException)
        {
            return ex;
        }
    }

    [Fact]
    public Task SendAsync_CallersDeadlineExpiresBeforeTheAttemptTimeout_LimitBreakerAndOverloadClockUntouched() => WithoutContext(async () =>
    {
        var upstream = new HeldUpstream();
        using var sut = CreateSut(upstream);
        var others = Enumerable.Range(0, 3).Select(i => sut.Start(HeldUpstream.Call(i))).ToArray();

        // Two calls whose clients time out after 5 s (x-stainless-timeout: 5 becomes this deadline).
        var impatient = new[] { sut.Start(HeldUpstream.Call(3, deadline: TimeSpan.FromSeconds(5))), sut.Start(HeldUpstream.Call(4, deadline: TimeSpan.FromSeconds(5))) };
        sut.Time.Advance(TimeSpan.FromSeconds(5));
        foreach (var call in impatient)
        {
            Assert.True(call.IsCompleted);
            await Outcome(call);
        }

        var model = sut.Model(Opus);
        Assert.Equal(100, model.Limiter.Limit);
        Assert.Null(model.LastOverloadAt);
        Assert.Equal(CircuitState.Closed, model.BreakerState);
        Assert.Equal(0, model.Throttle.RejectProbability);
        Assert.Equal(3, model.Limiter.InFlight);
        for (var i = 0; i < others.Length; i++)
        {
            upstream.Complete(i);
            await Outcome(others[i]);
        }
    });

    [Fact]
    public Task SendAsync_AttemptTimeoutWithinTheDeadline_IsAnOverloadSignal() => WithoutContext(async () =>
    {
        var upstream = new HeldUpstream();
        using var sut = CreateSut(upstream);
        // The upstream was slow: the attempt timeout (30 s) ran out well inside the call's 5-minute deadline.
        var slow = sut.Start(HeldUpstream.Call(0, deadline: TimeSpan.FromMinutes(5)));
        sut.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(slow.IsCompleted);
        await Outcome(slow);

        var model = sut.Model(Opus);
        Assert.Equal(1, model.Limiter.Limit);
        Assert.NotNull(model.LastOverloadAt);
    });
}
