using System.IO.Pipelines;
using System.Net;
using System.Text;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Pipeline;

public sealed class StreamHoldBackTests
{
    private static (HttpMessageInvoker Invoker, ScriptedHandler Upstream, FakeTimeProvider Time) CreateSut(Func<int, HttpResponseMessage> script, Action<BreakwaterOptions>? configure = null)
    {
        var time = new ObservableTimeProvider();
        var upstream = new ScriptedHandler(time, script);
        var options = new BreakwaterOptions();
        configure?.Invoke(options);
        #pragma warning disable CA2000 // Ownership moves to the returned HttpMessageInvoker, which disposes the handler chain.
        return (new HttpMessageInvoker(new BreakwaterHandler(options, time, new FixedRandom(0)) { InnerHandler = upstream }), upstream, time);
        #pragma warning restore CA2000
    }

    private static async Task<HttpResponseMessage> Send((HttpMessageInvoker Invoker, ScriptedHandler Upstream, FakeTimeProvider Time) sut)
    {
        using var request = Api.Request(stream: true);
        return await TimeLoop.Run(sut.Time, sut.Invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(5));
    }

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    [Fact]
    public async Task SendAsync_OverloadBeforeFirstDelta_IsRetriedInvisibly()
    {
        var good = Api.FullStream("Hello", " world");
        var sut = CreateSut(n => n == 0 ? Api.Sse("req_bad", Api.MessageStart() + Api.Ping + Api.StreamError("overloaded_error")) : Api.Sse("req_good", good));

        using var response = await Send(sut);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, sut.Upstream.Count);
        Assert.Equal(good, body);
        Assert.Equal(1, Count(body, "event: message_start"));
        Assert.Equal("req_bad,req_good", string.Join(",", response.Headers.GetValues(BreakwaterHeaders.RequestIds)));
    }

    [Fact]
    public async Task SendAsync_OverloadAlwaysBeforeFirstDelta_GivesUpWithTheErrorEventPassedThrough()
    {
        var bad = Api.MessageStart() + Api.StreamError("overloaded_error");
        var sut = CreateSut(n => Api.Sse($"req_{n}", bad));

        using var response = await Send(sut);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(5, sut.Upstream.Count);
        Assert.Equal(bad, body);
        Assert.Equal("attempts", string.Join(",", response.Headers.GetValues(BreakwaterHeaders.GiveUp)));
    }

    [Fact]
    public async Task SendAsync_ErrorEventAfterFirstDelta_IsDeliveredOnceAndNotRetried()
    {
        var stream = Api.MessageStart() + Api.BlockStart + Api.Delta("Hel") + Api.StreamError("overloaded_error");
        var sut = CreateSut(n => Api.Sse("req_mid", stream));

        using var response = await Send(sut);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(1, sut.Upstream.Count);
        Assert.Equal(stream, body);
        Assert.Equal(1, Count(body, "event: error"));
        Assert.Equal(1, Count(body, "event: content_block_delta"));
    }

    [Fact]
    public async Task SendAsync_ConnectionLostAfterFirstDelta_EndsWithAnthropicShapedErrorEvent()
    {
        var head = Api.MessageStart() + Api.BlockStart + Api.Delta("Hel");
        var torn = "event: content_block_delta\ndata: {\"type\":\"content_blo";
        var sut = CreateSut(n => Api.Sse("req_lost", new ChunkedStream([head, torn], new IOException("connection reset"))));

        using var response = await Send(sut);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(1, sut.Upstream.Count);
        Assert.StartsWith(head, body, StringComparison.Ordinal);
        Assert.DoesNotContain("content_blo\n", body, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", body, StringComparison.Ordinal);
        var tail = body[head.Length..];
        Assert.StartsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\"", tail, StringComparison.Ordinal);
        Assert.Contains("\"request_id\":\"req_lost\"", tail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_StreamTruncatedAfterFirstDelta_NeverEndsCleanly()
    {
        var head = Api.MessageStart() + Api.BlockStart + Api.Delta("Hel");
        var sut = CreateSut(n => Api.Sse("req_trunc", head));

        using var response = await Send(sut);
        var body = await response.Content.ReadAsStringAsync();

        Assert.StartsWith(head, body, StringComparison.Ordinal);
        Assert.Contains("event: error", body[head.Length..], StringComparison.Ordinal);
        Assert.DoesNotContain("event: message_stop", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_StreamEndsBeforeAnyDelta_IsRetried()
    {
        var good = Api.FullStream("ok");
        var sut = CreateSut(n => n == 0 ? Api.Sse("req_short", Api.MessageStart()) : Api.Sse("req_good", good));

        using var response = await Send(sut);

        Assert.Equal(2, sut.Upstream.Count);
        Assert.Equal(good, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_CompleteStreamWithoutDeltas_PassesThrough()
    {
        var stream = Api.MessageStart() + Api.End;
        var sut = CreateSut(n => Api.Sse("req_empty", stream));

        using var response = await Send(sut);

        Assert.Equal(1, sut.Upstream.Count);
        Assert.Equal(stream, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_PreambleLargerThanHoldBack_IsPassedThroughWithoutWaitingForADelta()
    {
        var big = ": " + new string('p', 3000) + "\n\n";
        var stream = Api.MessageStart() + big + Api.BlockStart + Api.Delta("x") + Api.End;
        var sut = CreateSut(n => Api.Sse("req_big", stream), o => o.StreamHoldBackBytes = 1024);

        using var response = await Send(sut);

        Assert.Equal(stream, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_AfterFirstDelta_BytesFlowBeforeTheUpstreamFinishes()
    {
        var pipe = new Pipe();
        var time = new ObservableTimeProvider();
        var upstream = new ScriptedHandler(time, n => Api.Sse("req_live", pipe.Reader.AsStream()));
        using var breakwaterHandler = new BreakwaterHandler(new BreakwaterOptions(), time) { InnerHandler = upstream };
        using var invoker = new HttpMessageInvoker(breakwaterHandler);
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Api.MessageStart() + Api.BlockStart + Api.Delta("first")));

        using var request = Api.Request(stream: true);
        using var response = await invoker.SendAsync(request, CancellationToken.None);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = new StringBuilder();
        while (!seen.ToString().Contains("first", StringComparison.Ordinal))
        {
            var line = await reader.ReadLineAsync();
            Assert.NotNull(line);
            seen.AppendLine(line);
        }

        // The delta arrived while the upstream has not even sent message_stop.
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Api.Delta("second") + Api.End));
        await pipe.Writer.CompleteAsync();
        var rest = await reader.ReadToEndAsync();
        Assert.Contains("second", rest, StringComparison.Ordinal);
        Assert.Contains("message_stop", rest, StringComparison.Ordinal);
    }
}
