using System.IO.Pipelines;
using System.Net;
using System.Text;
using System.Text.Json;
using Breakwater.Retry;
using Breakwater.Telemetry;
using Breakwater.Tests.Health;
using Breakwater.Tests.TestKit;
using static Breakwater.Tests.Health.HealthSut;

namespace Breakwater.Tests.Concurrency;

public sealed class ConcurrencyHandlerTests
{
    /// <summary>The concurrency limit alone, pinned at <paramref name="limit"/> (successes cannot grow it).</summary>
    private static HealthSut CreateSut(Func<int, HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> script, int limit, Action<BreakwaterOptions>? configure = null) =>
        HealthSut.Create(script, o =>
        {
            o.Concurrency.InitialLimit = limit;
            o.Concurrency.MaxLimit = limit;
            o.CircuitBreaker.Enabled = false;
            o.Throttle.Enabled = false;
            o.Pacing.Enabled = false;
            configure?.Invoke(o);
        });

    [Fact]
    public Task SendAsync_CallsOverTheLimit_WaitAndGoInFifoOrder() => WithoutContext(async () =>
    {
        var upstream = new HeldUpstream();
        using var sut = CreateSut(upstream.Respond, limit: 2);

        var calls = Enumerable.Range(0, 5).Select(i => sut.Start(HeldUpstream.Call(i))).ToArray();

        Assert.Equal(["0", "1"], upstream.Arrived);
        Assert.Equal(3, sut.Model(Opus).Limiter.Queued);
        Assert.All(calls, c => Assert.False(c.IsCompleted));

        // Finishing the second call first still lets the oldest waiter (2) go next.
        upstream.Complete(1);
        Assert.Equal(["0", "1", "2"], upstream.Arrived);
        upstream.Complete(0);
        Assert.Equal(["0", "1", "2", "3"], upstream.Arrived);
        upstream.Complete(3);
        upstream.Complete(2);
        upstream.Complete(4);

        Assert.Equal(["0", "1", "2", "3", "4"], upstream.Arrived);
        Assert.Equal(2, upstream.MaxInFlight);
        foreach (var c in calls)
        {
            Assert.True(c.IsCompletedSuccessfully);
            using var r = await c;
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        Assert.Equal(0, sut.Model(Opus).Limiter.InFlight);
    });

    [Fact]
    public Task SendAsync_WaiterWhoseDeadlinePasses_GivesUpWithQueueAndNeverReachesUpstream() => WithoutContext(async () =>
    {
        var upstream = new HeldUpstream();
        using var sut = CreateSut(upstream.Respond, limit: 1);
        var first = sut.Start(HeldUpstream.Call(0));
        var waiting = sut.Start(HeldUpstream.Call(1, deadline: TimeSpan.FromSeconds(5)));

        sut.Time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(waiting.IsCompleted);
        sut.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(waiting.IsCompletedSuccessfully);
        using var response = await waiting;
        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("queue", Header(response, BreakwaterHeaders.GiveUp));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("overloaded_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(["0"], upstream.Arrived);
        Assert.Equal(0, sut.Model(Opus).Limiter.Queued);
        Assert.Contains(sut.Sink.Records, r => r.GiveUp == GiveUpReason.Queue && r.Decision == AttemptDecision.GaveUp);

        upstream.Complete(0);
        using var ok = await first;
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    });

    [Fact]
    public Task SendAsync_QueueFull_RefusesAtOnceWithQueue() => WithoutContext(async () =>
    {
        var upstream = new HeldUpstream();
        using var sut = CreateSut(upstream.Respond, limit: 1, o => o.Concurrency.MaxQueue = 1);
        var first = sut.Start(HeldUpstream.Call(0));
        var queued = sut.Start(HeldUpstream.Call(1));

        var refused = sut.Start(HeldUpstream.Call(2));

        Assert.True(refused.IsCompletedSuccessfully);
        using var response = await refused;
        Assert.Equal(529, (int)response.StatusCode);
        Assert.Equal("queue", Header(response, BreakwaterHeaders.GiveUp));
        Assert.False(queued.IsCompleted);
        upstream.Complete(0);
        upstream.Complete(1);
        Assert.Equal(["0", "1"], upstream.Arrived);
        (await first).Dispose();
        (await queued).Dispose();
    });

    [Fact]
    public Task SendAsync_QueueFullWithChain_MovesToTheNextModel() => WithoutContext(async () =>
    {
        var upstream = new HeldUpstream();
        using var sut = CreateSut(upstream.Respond, limit: 1, o =>
        {
            o.Concurrency.MaxQueue = 0;
            o.Fallback.Add(Opus, Sonnet);
        });
        var first = sut.Start(HeldUpstream.Call(0));

        var second = sut.Start(HeldUpstream.Call(1));

        Assert.Equal([Opus, Sonnet], sut.ModelsSeen());
        upstream.Complete(1);
        using var response = await second;
        Assert.Equal(Sonnet, Header(response, BreakwaterHeaders.Model));
        Assert.Equal(Opus, Header(response, BreakwaterHeaders.FallbackFrom));
        upstream.Complete(0);
        (await first).Dispose();
    });

    [Fact]
    public Task SendAsync_WaitingCallerCancels_LeavesTheQueueAndIsNeverSent() => WithoutContext(async () =>
    {
        var upstream = new HeldUpstream();
        using var sut = CreateSut(upstream.Respond, limit: 1);
        using var cts = new CancellationTokenSource();
        var first = sut.Start(HeldUpstream.Call(0));
        var cancelled = sut.Start(HeldUpstream.Call(1), cts.Token);
        Assert.Equal(1, sut.Model(Opus).Limiter.Queued);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(0, sut.Model(Opus).Limiter.Queued);
        upstream.Complete(0);
        (await first).Dispose();
        Assert.Equal(["0"], upstream.Arrived);
        Assert.Equal(0, sut.Model(Opus).Limiter.InFlight);

        var next = sut.Start(HeldUpstream.Call(2));
        Assert.Equal(["0", "2"], upstream.Arrived);
        upstream.Complete(1);
        (await next).Dispose();
    });

    private static Pipe InlinePipe() => new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));

    [Fact]
    public Task SendAsync_StreamPassedThrough_HoldsItsSlotUntilTheStreamEnds() => WithoutContext(async () =>
    {
        var pipe = InlinePipe();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Api.MessageStart(Opus) + Api.BlockStart + Api.Delta("Hel")));
        using var sut = CreateSut((n, _, _) => Task.FromResult(n == 0 ? Api.Sse("req_stream", pipe.Reader.AsStream()) : Api.Ok($"req_{n}")), limit: 1);

        var streaming = sut.Start(Request(stream: true));
        Assert.True(streaming.IsCompletedSuccessfully, "the response is handed over after the first delta");
        using var response = await streaming;
        Assert.Equal(1, sut.Model(Opus).Limiter.InFlight);

        var next = sut.Start();
        Assert.False(next.IsCompleted);
        Assert.Equal(1, sut.Upstream.Count);
        Assert.Equal(1, sut.Model(Opus).Limiter.Queued);

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Api.Delta("lo") + Api.End));
        await pipe.Writer.CompleteAsync();
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("message_stop", text, StringComparison.Ordinal);
        Assert.True(next.IsCompletedSuccessfully);
        Assert.Equal(2, sut.Upstream.Count);
        (await next).Dispose();
    });

    [Fact]
    public Task SendAsync_StreamAbandonedByCaller_ReleasesItsSlot() => WithoutContext(async () =>
    {
        var pipe = InlinePipe();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Api.MessageStart(Opus) + Api.BlockStart + Api.Delta("Hel")));
        using var sut = CreateSut((n, _, _) => Task.FromResult(n == 0 ? Api.Sse("req_stream", pipe.Reader.AsStream()) : Api.Ok($"req_{n}")), limit: 1);
        var response = await sut.Start(Request(stream: true));
        var next = sut.Start();
        Assert.False(next.IsCompleted);

        response.Dispose();

        Assert.True(next.IsCompletedSuccessfully);
        Assert.Equal(2, sut.Upstream.Count);
        (await next).Dispose();
    });

    [Fact]
    public async Task SendAsync_OverloadsInOneSecond_ShrinkTheLimitOnceThenAgainAfterASecond()
    {
        using var sut = HealthSut.Create((n, _) => Api.Overloaded($"req_{n}"), o =>
        {
            o.Concurrency.InitialLimit = 8;
            o.Concurrency.MaxLimit = 8;
            o.Concurrency.DecreaseFactor = 0.5;
            o.Retry.Overloaded.MaxRetries = 0;
            o.CircuitBreaker.Enabled = false;
            o.Throttle.Enabled = false;
        });

        for (var i = 0; i < 3; i++)
        {
            (await sut.Start()).Dispose();
        }

        Assert.Equal(4, sut.Model(Opus).Limiter.Limit);
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        (await sut.Start()).Dispose();
        Assert.Equal(2, sut.Model(Opus).Limiter.Limit);
    }

    [Fact]
    public async Task SendAsync_SuccessesAfterOverloads_GrowTheLimitBack()
    {
        var healthy = false;
        using var sut = HealthSut.Create((n, _) => healthy ? Api.Ok($"req_{n}") : Api.Overloaded($"req_{n}"), o =>
        {
            o.Concurrency.InitialLimit = 8;
            o.Concurrency.MaxLimit = 8;
            o.Concurrency.DecreaseFactor = 0.25;
            o.Retry.Overloaded.MaxRetries = 0;
            o.CircuitBreaker.Enabled = false;
            o.Throttle.Enabled = false;
        });
        (await sut.Start()).Dispose();
        Assert.Equal(2, sut.Model(Opus).Limiter.Limit);

        healthy = true;
        for (var i = 0; i < 30; i++)
        {
            (await sut.Start()).Dispose();
        }

        Assert.Equal(8, sut.Model(Opus).Limiter.Limit);
    }

    [Fact]
    public async Task SendAsync_AttemptTimeout_ShrinksTheLimit()
    {
        using var sut = HealthSut.Create(
            (n, _, ct) =>
            {
                var never = new TaskCompletionSource<HttpResponseMessage>();
                ct.Register(() => never.TrySetCanceled(ct));
                return never.Task;
            },
            o =>
            {
                o.AttemptTimeout = TimeSpan.FromSeconds(5);
                o.Retry.ServerError.MaxRetries = 0;
                o.Concurrency.InitialLimit = 8;
                o.Concurrency.DecreaseFactor = 0.5;
                o.CircuitBreaker.Enabled = false;
                o.Throttle.Enabled = false;
            });

        await Assert.ThrowsAsync<BreakwaterException>(() => sut.Send());

        Assert.Equal(4, sut.Model(Opus).Limiter.Limit);
        Assert.Equal(0, sut.Model(Opus).Limiter.InFlight);
    }

    [Fact]
    public async Task SendAsync_RateLimitedAndCallerErrors_LeaveTheLimitAlone()
    {
        using var sut = HealthSut.Create((n, _) => n % 2 == 0 ? Api.Error(429, "rate_limit_error", $"req_{n}") : Api.Error(400, "invalid_request_error", $"req_{n}"), o =>
        {
            o.Concurrency.InitialLimit = 8;
            o.CircuitBreaker.Enabled = false;
            o.Throttle.Enabled = false;
        });

        for (var i = 0; i < 10; i++)
        {
            (await sut.Start()).Dispose();
            sut.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(8, sut.Model(Opus).Limiter.Limit);
        Assert.Equal(0, sut.Model(Opus).Limiter.InFlight);
    }

    [Fact]
    public Task SendAsync_LimitIsPerModel() => WithoutContext(async () =>
    {
        var upstream = new HeldUpstream();
        using var sut = CreateSut(upstream.Respond, limit: 1);
        var opus = sut.Start(HeldUpstream.Call(0));

        var request = Request(Sonnet);
        request.Headers.TryAddWithoutValidation("x-call", "s");
        var sonnet = sut.Start(request);

        Assert.Equal(["0", "s"], upstream.Arrived);
        upstream.Complete(0);
        upstream.Complete(1);
        (await opus).Dispose();
        (await sonnet).Dispose();
    });

    [Fact]
    public Task SendAsync_LongQueueDrainedBySynchronousAnswers_AllCompleteInOrder() => WithoutContext(async () =>
    {
        // The first call is held; the 1,000 queued behind it are answered at once, so each release grants the next
        // waiter inline (the virtual-time benchmark's situation): the chain must neither overflow nor reorder.
        var first = new TaskCompletionSource<HttpResponseMessage>();
        var order = new List<string>();
        using var sut = CreateSut(
            (n, request, _) =>
            {
                order.Add(request.Headers.GetValues("x-call").First());
                return n == 0 ? first.Task : Task.FromResult(Api.Ok($"req_{n}"));
            },
            limit: 1);
        var calls = Enumerable.Range(0, 1001).Select(i => sut.Start(HeldUpstream.Call(i))).ToArray();
        Assert.Equal(1000, sut.Model(Opus).Limiter.Queued);

        first.SetResult(Api.Ok("req_0"));
        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(Enumerable.Range(0, 1001).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), order);
        Assert.Equal(0, sut.Model(Opus).Limiter.InFlight);
    });
}
