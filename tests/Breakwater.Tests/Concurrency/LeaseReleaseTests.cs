using Breakwater.Tests.Health;
using static Breakwater.Tests.Health.HealthSut;

namespace Breakwater.Tests.Concurrency;

/// <summary>Every way an attempt can end gives its concurrency slot back, with or without a circuit breaker.</summary>
public sealed class LeaseReleaseTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task SendAsync_CallerCancelsWhileTheAttemptIsInFlight_SlotIsReleased(bool breakerEnabled) => WithoutContext(async () =>
    {
        var upstream = new HeldUpstream();
        using var sut = HealthSut.Create(upstream.Respond, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
            o.CircuitBreaker.Enabled = breakerEnabled;
        });
        using var cancel = new CancellationTokenSource();
        var calls = Enumerable.Range(0, 3).Select(i => sut.Start(HeldUpstream.Call(i), cancel.Token)).ToArray();
        Assert.Equal(3, sut.Model(Opus).Limiter.InFlight);

        await cancel.CancelAsync();
        foreach (var call in calls)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }

        Assert.Equal(0, sut.Model(Opus).Limiter.InFlight);
        Assert.Equal(0, sut.Model(Opus).Limiter.Queued);
    });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task SendAsync_CallersDeadlinePassesMidAttempt_SlotIsReleased(bool breakerEnabled) => WithoutContext(async () =>
    {
        var upstream = new HeldUpstream();
        using var sut = HealthSut.Create(upstream.Respond, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(30);
            o.CircuitBreaker.Enabled = breakerEnabled;
        });
        var call = sut.Start(HeldUpstream.Call(0, deadline: TimeSpan.FromSeconds(5)));
        sut.Time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<Exception>(() => call);

        Assert.Equal(0, sut.Model(Opus).Limiter.InFlight);
    });
}
