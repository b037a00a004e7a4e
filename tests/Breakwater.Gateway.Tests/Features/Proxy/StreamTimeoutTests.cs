using System.Diagnostics;
using System.Net;
using Breakwater.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Breakwater.Gateway.Tests.Features.Proxy;

/// <summary>
/// Real sockets on 127.0.0.1: upstreams that stall after their headers, dribble, end a stream without
/// <c>message_stop</c>, or hang before any header; with short configured timeouts and bounded waits.
/// </summary>
public sealed class StreamTimeoutTests
{
    // Bounds a wait that only ends by a bug; never a timing assertion.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null) => GatewayHarness.StartAsync(configure);

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    private static string LastEvent(string body) => body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)[^1];

    private static async Task<(HttpResponseMessage Response, string Body, TimeSpan Elapsed)> SendAsync(GatewayHarness sut, string body, params (string Name, string Value)[] headers)
    {
        var clock = Stopwatch.StartNew();
        using var request = GatewayHarness.Post("/v1/messages", body, headers);
        var response = await sut.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Bound);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Bound);
        return (response, text, clock.Elapsed);
    }

    private static Func<HttpContext, Task> StreamHead(Func<HttpContext, Task> then) => async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers["request-id"] = "req_up_stream";
        context.Features.Get<IHttpResponseBodyFeature>()!.DisableBuffering();
        await FakeUpstream.WriteEventAsync(context, "message_start", """{"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}}""");
        await FakeUpstream.WriteEventAsync(context, "content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        await then(context);
    };

    private static Func<HttpContext, Task> Delayed(TimeSpan delay, Func<HttpContext, Task> then) => async context =>
    {
        await Task.Delay(delay, context.RequestAborted);
        await then(context);
    };

    [Fact]
    public async Task Stream_UpstreamStallsAfterFirstDelta_EndsWithTimeoutErrorEventAfterTheIdleTimeout()
    {
        await using var sut = await CreateSut(o => o.Breakwater.BodyIdleTimeout = TimeSpan.FromMilliseconds(300));
        var never = new TaskCompletionSource();
        sut.Upstream.Default = FakeUpstream.Stream(never);

        var (response, body, _) = await SendAsync(sut, GatewayHarness.StreamBody);

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("event: content_block_delta", body, StringComparison.Ordinal);
            var error = LastEvent(body);
            Assert.StartsWith("event: error", error, StringComparison.Ordinal);
            Assert.Contains("\"type\":\"timeout_error\"", error, StringComparison.Ordinal);
            Assert.Contains("\"request_id\":\"req_up_stream\"", error, StringComparison.Ordinal);
            Assert.DoesNotContain("message_stop", body, StringComparison.Ordinal);
        }

        // The stalled upstream request is given up, not left open.
        await sut.Upstream.Aborted.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task Stream_UpstreamDribblesPastTheClientsStainlessTimeout_EndsWithTimeoutErrorEventAtTheDeadline()
    {
        await using var sut = await CreateSut(o => o.Breakwater.BodyIdleTimeout = TimeSpan.FromSeconds(20));
        sut.Upstream.Default = StreamHead(async context =>
        {
            await FakeUpstream.WriteEventAsync(context, "content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}""");
            for (var i = 0; i < 600; i++)
            {
                await Task.Delay(50, context.RequestAborted);
                await FakeUpstream.WriteEventAsync(context, "ping", """{"type": "ping"}""");
            }
        });

        var (response, body, elapsed) = await SendAsync(sut, GatewayHarness.StreamBody, ("x-stainless-timeout", "1.5"));

        using (response)
        {
            var error = LastEvent(body);
            Assert.Contains("\"type\":\"timeout_error\"", error, StringComparison.Ordinal);
            Assert.Contains("deadline", error, StringComparison.Ordinal);
            Assert.True(Count(body, "event: ping") >= 2);
            Assert.True(elapsed >= TimeSpan.FromSeconds(1.4), $"ended after {elapsed}");
        }
    }

    [Fact]
    public async Task Stream_UpstreamStallsBeforeFirstDeltaOnEveryAttempt_RetriedThen504TimeoutErrorWithTheRequestIds()
    {
        await using var sut = await CreateSut(o =>
        {
            o.Breakwater.BodyIdleTimeout = TimeSpan.FromMilliseconds(300);
            o.Breakwater.Retry.ServerError.MaxRetries = 1;
        });
        sut.Upstream.Default = StreamHead(context => Task.Delay(Timeout.Infinite, context.RequestAborted));

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.StreamBody);
        using var response = await sut.Client.SendAsync(request).WaitAsync(Bound);

        await ErrorBody.AssertGatewayErrorAsync(response, 504, "timeout_error");
        Assert.Equal(2, sut.Upstream.Requests.Count);
        Assert.Equal("2", response.Headers.GetValues("breakwater-attempts").Single());
        Assert.Equal("req_up_stream", response.Headers.GetValues("breakwater-request-ids").Single());
    }

    [Fact]
    public async Task Messages_JsonBodyStallsAfterHeaders_504TimeoutError()
    {
        await using var sut = await CreateSut(o => o.Breakwater.BodyIdleTimeout = TimeSpan.FromMilliseconds(300));
        sut.Upstream.Default = async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync();
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        };

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request).WaitAsync(Bound);

        var requestId = await ErrorBody.AssertGatewayErrorAsync(response, 504, "timeout_error");
        Assert.Contains(requestId, sut.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_EndsBeforeFirstDeltaWithoutMessageStop_AfterRetries200EndsWithErrorEventNeverCleanly()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = StreamHead(_ => Task.CompletedTask);

        var (response, body, _) = await SendAsync(sut, GatewayHarness.StreamBody);

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("3", response.Headers.GetValues("breakwater-attempts").Single());
            Assert.Equal(3, sut.Upstream.Requests.Count);
            Assert.Equal(1, Count(body, "event: message_start"));
            var error = LastEvent(body);
            Assert.StartsWith("event: error", error, StringComparison.Ordinal);
            Assert.Contains("\"type\":\"api_error\"", error, StringComparison.Ordinal);
            Assert.Contains("\"request_id\":\"req_up_stream\"", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stream_UpstreamHangsBeforeHeaders_PingsWhileWaitingThenTimeoutErrorEvent()
    {
        await using var sut = await CreateSut(o =>
        {
            o.StreamKeepAlive = TimeSpan.FromMilliseconds(100);
            o.Breakwater.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.Breakwater.Retry.ServerError.MaxRetries = 0;
        });
        sut.Upstream.Default = FakeUpstream.Hang(new TaskCompletionSource());

        var (response, body, _) = await SendAsync(sut, GatewayHarness.StreamBody);

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
            Assert.StartsWith("event: ping\ndata: {\"type\": \"ping\"}\n\n", body, StringComparison.Ordinal);
            Assert.True(Count(body, "event: ping") >= 3);
            var error = LastEvent(body);
            Assert.StartsWith("event: error", error, StringComparison.Ordinal);
            Assert.Contains("\"type\":\"timeout_error\"", error, StringComparison.Ordinal);
            Assert.Contains("\"request_id\":\"req_bw_", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stream_UpstreamAnswersAfterPingsStarted_TheWholeStreamFollowsThePings()
    {
        await using var sut = await CreateSut(o => o.StreamKeepAlive = TimeSpan.FromMilliseconds(100));
        sut.Upstream.Default = Delayed(TimeSpan.FromMilliseconds(600), FakeUpstream.Stream());

        var (response, body, _) = await SendAsync(sut, GatewayHarness.StreamBody);

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("event: ping\n", body, StringComparison.Ordinal);
            var start = body.IndexOf("event: message_start", StringComparison.Ordinal);
            Assert.True(start > 0);
            Assert.DoesNotContain("event: ping", body[start..], StringComparison.Ordinal);
            Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", body, StringComparison.Ordinal);
            Assert.DoesNotContain("event: error", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stream_OverloadsAfterPingsStarted_RetriesStillRunAndTheAnswerIsAnOverloadedErrorEvent()
    {
        await using var sut = await CreateSut(o =>
        {
            o.StreamKeepAlive = TimeSpan.FromMilliseconds(100);
            o.Breakwater.Retry.Overloaded.MaxRetries = 1;
        });
        sut.Upstream.Default = Delayed(TimeSpan.FromMilliseconds(300), FakeUpstream.Overloaded());

        var (response, body, _) = await SendAsync(sut, GatewayHarness.StreamBody);

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(2, sut.Upstream.Requests.Count);
            Assert.StartsWith("event: ping\n", body, StringComparison.Ordinal);
            var error = LastEvent(body);
            Assert.StartsWith("event: error", error, StringComparison.Ordinal);
            Assert.Contains("\"type\":\"overloaded_error\"", error, StringComparison.Ordinal);
            Assert.Contains("\"request_id\":\"req_up_529\"", error, StringComparison.Ordinal);
            Assert.Contains("gave up after 2 attempt(s)", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stream_OverloadBeforeTheKeepAliveInterval_KeepsItsRealStatus()
    {
        await using var sut = await CreateSut(o => o.StreamKeepAlive = TimeSpan.FromSeconds(20));
        sut.Upstream.Default = FakeUpstream.Overloaded();

        var (response, body, _) = await SendAsync(sut, GatewayHarness.StreamBody);

        using (response)
        {
            Assert.Equal(529, (int)response.StatusCode);
            Assert.Contains("overloaded_error", body, StringComparison.Ordinal);
            Assert.DoesNotContain("event: ping", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 100)]
    public async Task Messages_HungUpstreamWithoutKeepAlive_504TimeoutErrorAndNoPings(bool stream, int keepAliveMs)
    {
        await using var sut = await CreateSut(o =>
        {
            o.StreamKeepAlive = TimeSpan.FromMilliseconds(keepAliveMs);
            o.Breakwater.AttemptTimeout = TimeSpan.FromMilliseconds(500);
            o.Breakwater.Retry.ServerError.MaxRetries = 0;
        });
        sut.Upstream.Default = FakeUpstream.Hang(new TaskCompletionSource());

        using var request = GatewayHarness.Post("/v1/messages", stream ? GatewayHarness.StreamBody : GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request).WaitAsync(Bound);

        await ErrorBody.AssertGatewayErrorAsync(response, 504, "timeout_error");
    }

    [Fact]
    public void Validate_StreamKeepAlive_DefaultTenSecondsZeroOffNegativeIsAProblem()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), new GatewayOptions().StreamKeepAlive);
        Assert.Empty(Breakwater.Gateway.Hosting.GatewayOptionsValidator.Validate(new GatewayOptions { StreamKeepAlive = TimeSpan.Zero }));

        var problem = Assert.Single(Breakwater.Gateway.Hosting.GatewayOptionsValidator.Validate(new GatewayOptions { StreamKeepAlive = TimeSpan.FromSeconds(-1) }));

        Assert.StartsWith("StreamKeepAlive must not be negative", problem, StringComparison.Ordinal);
    }
}
