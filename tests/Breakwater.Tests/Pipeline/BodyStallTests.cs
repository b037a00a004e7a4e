using System.IO.Pipelines;
using System.Net;
using System.Text;
using Breakwater.Tests.TestKit;

namespace Breakwater.Tests.Pipeline;

/// <summary>
/// After the response headers: an upstream that stalls (idle timeout), dribbles past the call's deadline, or ends a
/// stream without <c>message_stop</c>. Every case ends in an answer the caller can tell from a complete one.
/// </summary>
public sealed class BodyStallTests
{
    private sealed record Sut(HttpMessageInvoker Invoker, ScriptedHandler Upstream, ObservableTimeProvider Time) : IDisposable
    {
        public void Dispose() => Invoker.Dispose();
    }

    private static Sut CreateSut(Func<int, HttpResponseMessage> script, Action<BreakwaterOptions>? configure = null)
    {
        var time = new ObservableTimeProvider();
        var upstream = new ScriptedHandler(time, script);
        var options = new BreakwaterOptions();
        configure?.Invoke(options);
        #pragma warning disable CA2000 // Ownership moves to the returned invoker, which disposes the handler chain.
        return new Sut(new HttpMessageInvoker(new BreakwaterHandler(options, time, new FixedRandom(0)) { InnerHandler = upstream }), upstream, time);
        #pragma warning restore CA2000
    }

    private static async Task<HttpResponseMessage> Send(Sut sut, TimeSpan? deadline = null)
    {
        using var request = Api.Request(stream: true);
        if (deadline is { } d)
        {
            request.Options.Set(BreakwaterRequestOptions.Deadline, d);
        }

        return await TimeLoop.Run(sut.Time, sut.Invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(250));
    }

    private static Pipe Open(string first)
    {
        var pipe = new Pipe();
        pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(first)).AsTask().GetAwaiter().GetResult();
        return pipe;
    }

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    private static string LastEvent(string body)
    {
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        return events[^1];
    }

    [Fact]
    public async Task SendAsync_StreamStallsBeforeFirstDelta_TimesOutAfterTheIdleTimeoutAndIsRetriedInvisibly()
    {
        var good = Api.FullStream("ok");
        var stalled = Open(Api.MessageStart() + Api.Ping);
        using var sut = CreateSut(n => n == 0 ? Api.Sse("req_stalled", stalled.Reader.AsStream()) : Api.Sse("req_good", good));
        using var request = Api.Request(stream: true);
        // A deadline far past the retry, so a loaded machine that lets the clock loop run ahead cannot turn it into a give-up.
        request.Options.Set(BreakwaterRequestOptions.Deadline, TimeSpan.FromHours(1));
        var sending = sut.Invoker.SendAsync(request, CancellationToken.None);

        // Time moves only once the body's idle timer is armed (a free-running clock would outrun a loaded machine).
        Assert.True(sut.Time.WaitForTimer(new BreakwaterOptions().BodyIdleTimeout), "the body idle timer was never armed");
        sut.Time.Advance(TimeSpan.FromSeconds(59.75));
        Assert.Equal(1, sut.Upstream.Count);
        using var response = await TimeLoop.Run(sut.Time, sending, TimeSpan.FromMilliseconds(50));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(good, await response.Content.ReadAsStringAsync());
        Assert.Equal(2, sut.Upstream.Count);
        var gap = sut.Upstream.Requests[1].At - sut.Upstream.Requests[0].At;
        // Retried after the idle timeout (not before, as checked above), before the 600 s attempt timeout that ended it
        // before the idle timeout existed (on an idle machine the gap is 60 s plus the backoff).
        Assert.InRange(gap.TotalSeconds, 60, 599);
        Assert.Equal("req_stalled,req_good", string.Join(",", response.Headers.GetValues(BreakwaterHeaders.RequestIds)));
    }

    [Fact]
    public async Task SendAsync_StreamStallsAfterFirstDelta_EndsWithATimeoutErrorEventAfterTheIdleTimeout()
    {
        var head = Api.MessageStart() + Api.BlockStart + Api.Delta("Hel");
        var stalled = Open(head);
        using var sut = CreateSut(_ => Api.Sse("req_stalled", stalled.Reader.AsStream()));
        using var response = await Send(sut);
        var started = sut.Time.GetUtcNow();

        var reading = response.Content.ReadAsStringAsync();
        sut.Time.Advance(TimeSpan.FromSeconds(59));
        await Task.Yield();
        Assert.False(reading.IsCompleted);
        var body = await TimeLoop.Run(sut.Time, reading, TimeSpan.FromMilliseconds(250));

        Assert.True(sut.Time.GetUtcNow() - started >= TimeSpan.FromSeconds(60));
        Assert.StartsWith(head, body, StringComparison.Ordinal);
        var error = LastEvent(body);
        Assert.StartsWith("event: error", error, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"timeout_error\"", error, StringComparison.Ordinal);
        Assert.Contains("\"request_id\":\"req_stalled\"", error, StringComparison.Ordinal);
        Assert.DoesNotContain("message_stop", body, StringComparison.Ordinal);
        Assert.Equal(1, sut.Upstream.Count);
    }

    [Fact]
    public async Task SendAsync_StreamDribblesWithinIdleButPastTheCallsDeadline_EndsWithATimeoutErrorAtTheDeadline()
    {
        var head = Api.MessageStart() + Api.BlockStart + Api.Delta("Hel");
        var pipe = Open(head);
        using var sut = CreateSut(_ => Api.Sse("req_dribble", pipe.Reader.AsStream()));
        var started = sut.Time.GetUtcNow();
        using var response = await Send(sut, deadline: TimeSpan.FromSeconds(30));

        // A ping every 5 s: never idle, and it would go on for ever.
        var reading = response.Content.ReadAsStringAsync();
        for (var i = 0; i < 100 && !reading.IsCompleted; i++)
        {
            sut.Time.Advance(TimeSpan.FromSeconds(5));
            await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Api.Ping));

            // Bounded real-time wait for the reader to take the ping (or to end), so fake time does not run ahead of it.
            await Task.WhenAny(reading, Task.Delay(20));
        }

        var body = await reading.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(sut.Time.GetUtcNow() - started >= TimeSpan.FromSeconds(30));
        var error = LastEvent(body);
        Assert.Contains("\"type\":\"timeout_error\"", error, StringComparison.Ordinal);
        Assert.Contains("deadline", error, StringComparison.Ordinal);
        Assert.Contains("\"request_id\":\"req_dribble\"", error, StringComparison.Ordinal);
        // Pings went out at 5, 10, … s; none written after the 30 s deadline reaches the caller.
        Assert.InRange(Count(body, "event: ping"), 1, 6);
    }

    [Fact]
    public async Task SendAsync_JsonBodyStallsAfterHeaders_ReadFailsWithATimeoutAfterTheIdleTimeout()
    {
        var pipe = Open("{\"id\":\"msg_01\",");
        using var sut = CreateSut(_ =>
        {
            var content = new StreamContent(pipe.Reader.AsStream());
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            var r = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
            r.Headers.TryAddWithoutValidation("request-id", "req_json");
            return r;
        }, o => o.BodyIdleTimeout = TimeSpan.FromSeconds(20));
        using var request = Api.Request();
        using var response = await TimeLoop.Run(sut.Time, sut.Invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(250));
        var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[256];
        Assert.Equal(15, await body.ReadAsync(buffer));

        var read = body.ReadAsync(buffer).AsTask();
        sut.Time.Advance(TimeSpan.FromSeconds(19));
        Assert.False(read.IsCompleted);
        sut.Time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<IOException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Contains("20 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_StreamAlwaysEndsBeforeFirstDeltaWithoutMessageStop_AfterEveryRetryEndsWithAnErrorEventNotCleanly()
    {
        // The last attempt's events end in a torn one: it is dropped, then the error follows whole events.
        var cut = Api.MessageStart() + Api.Ping + "event: content_block_st";
        using var sut = CreateSut(n => Api.Sse($"req_cut{n}", cut));

        using var response = await Send(sut);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, sut.Upstream.Count);
        Assert.StartsWith(Api.MessageStart() + Api.Ping + "event: error\n", body, StringComparison.Ordinal);
        var error = LastEvent(body);
        Assert.Contains("\"type\":\"api_error\"", error, StringComparison.Ordinal);
        Assert.Contains("\"request_id\":\"req_cut2\"", error, StringComparison.Ordinal);
        Assert.DoesNotContain("content_block_st", body, StringComparison.Ordinal);
        Assert.Equal("req_cut0,req_cut1,req_cut2", string.Join(",", response.Headers.GetValues(BreakwaterHeaders.RequestIds)));
        Assert.Equal("attempts", string.Join(",", response.Headers.GetValues(BreakwaterHeaders.GiveUp)));
    }

    [Fact]
    public async Task SendAsync_StreamEndsBeforeFirstDeltaWithNoRetryAllowed_EndsWithAnErrorEventNotCleanly()
    {
        var cut = Api.MessageStart() + Api.BlockStart;
        using var sut = CreateSut(_ => Api.Sse("req_once", cut), o => o.Retry.ServerError.MaxRetries = 0);

        using var response = await Send(sut);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(1, sut.Upstream.Count);
        Assert.StartsWith(cut, body, StringComparison.Ordinal);
        var error = LastEvent(body);
        Assert.StartsWith("event: error", error, StringComparison.Ordinal);
        Assert.Contains("\"request_id\":\"req_once\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_RetriedThenStreamEndsAfterFirstDeltaWithoutMessageStop_EndsWithAnErrorEventCarryingTheRequestId()
    {
        var head = Api.MessageStart() + Api.BlockStart + Api.Delta("Hel");
        using var sut = CreateSut(n => n == 0 ? Api.Sse("req_bad", Api.MessageStart() + Api.StreamError("overloaded_error")) : Api.Sse("req_short", head));

        using var response = await Send(sut);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(2, sut.Upstream.Count);
        Assert.StartsWith(head, body, StringComparison.Ordinal);
        var error = LastEvent(body);
        Assert.StartsWith("event: error", error, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"api_error\"", error, StringComparison.Ordinal);
        Assert.Contains("\"request_id\":\"req_short\"", error, StringComparison.Ordinal);
        Assert.Equal(1, Count(body, "event: message_start"));
    }
}
