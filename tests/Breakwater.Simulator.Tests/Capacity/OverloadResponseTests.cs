namespace Breakwater.Simulator.Tests.Capacity;

/// <summary>What a client sees of the overload settings: the 529's headers and the queue timeout's 529.</summary>
public class OverloadResponseTests
{
    [Fact]
    public void Overloaded_ScenarioHeaders_RetryAfterAndShouldRetryOnThe529()
    {
        var scenario = TestKit.Tiny(slots: 1, serviceSeconds: 10, queueSeconds: 0) with { RetryAfter529Seconds = 7, ShouldRetry529 = false };
        var (_, _, invoker) = TestKit.Virtual(scenario);
        using var busy = TestKit.Messages();
        _ = invoker.SendAsync(busy, CancellationToken.None);

        using var request = TestKit.Messages();
        using var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("7", TestKit.Header(response, "retry-after"));
        Assert.Equal("false", TestKit.Header(response, "x-should-retry"));
    }

    [Fact]
    public void Overloaded_DefaultScenario_NoRetryAfterNorShouldRetry()
    {
        var (_, _, invoker) = TestKit.Virtual(TestKit.Tiny(slots: 1, serviceSeconds: 10, queueSeconds: 0));
        using var busy = TestKit.Messages();
        _ = invoker.SendAsync(busy, CancellationToken.None);

        using var request = TestKit.Messages();
        using var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Null(TestKit.Header(response, "retry-after"));
        Assert.Null(TestKit.Header(response, "x-should-retry"));
    }

    [Fact]
    public void QueueTimeout_QueuedRequest_Gets529AfterTheTimeout()
    {
        var scenario = TestKit.Tiny(slots: 1, serviceSeconds: 100, queueSeconds: 300) with { QueueTimeoutSeconds = 5, RetryAfter529Seconds = 2.5 };
        var (sim, clock, invoker) = TestKit.Virtual(scenario);
        using var busy = TestKit.Messages();
        _ = invoker.SendAsync(busy, CancellationToken.None);
        using var request = TestKit.Messages();
        var queued = invoker.SendAsync(request, CancellationToken.None);

        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(queued.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        using var response = TestKit.Done(queued);

        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("2.5", TestKit.Header(response, "retry-after"));
        Assert.Contains("overloaded_error", TestKit.ReadCompleted(response), StringComparison.Ordinal);
        Assert.Equal(1, sim.Stats.CountOf("529"));
    }
}
