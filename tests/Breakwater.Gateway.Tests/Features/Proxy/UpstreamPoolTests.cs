using System.Collections.Concurrent;
using System.Net;
using Breakwater.Gateway.Features.Proxy;
using Breakwater.Gateway.Tests.Support;
using Breakwater.Pipeline;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Breakwater.Gateway.Tests.Features.Proxy;

/// <summary>
/// Head-of-line blocking in the upstream connection pool: with one HTTP/1.1 pool capped at 1,024, streams past 1,024
/// waited up to 66 s and a short JSON call 39 s. Small caps here stand for the large ones.
/// </summary>
public sealed class UpstreamPoolTests
{
    // Bounds a wait that only ends by a bug.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // What "promptly" means for a short call on loopback while streams are open: generous for a loaded CI machine,
    // and far below the unbounded wait of a short call queued behind streams that never end.

    [Fact]
    public async Task ShortCall_StreamPoolFull_AnsweredPromptlyWhileStreamsStayOpen()
    {
        const int Cap = 4;
        await using var sut = await GatewayHarness.StartAsync(o =>
        {
            o.UpstreamHttpVersion = UpstreamHttpVersion.Http11;
            o.MaxStreamConnections = Cap;
            o.MaxConnectionsPerServer = Cap;
        });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < Cap; i++)
        {
            sut.Upstream.Enqueue(FakeUpstream.Stream(release));
        }

        var open = new List<(HttpResponseMessage Response, StreamReader Reader)>();
        try
        {
            for (var i = 0; i < Cap; i++)
            {
                open.Add(await OpenStreamAsync(sut, i));
            }

            // One stream more than the stream pool holds: it waits for a connection (the cap is binding)…
            using var extraRequest = GatewayHarness.Post("/v1/messages", StreamBody(Cap));
            var extra = sut.Client.SendAsync(extraRequest, HttpCompletionOption.ResponseHeadersRead);
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Assert.False(extra.IsCompleted);
            Assert.Equal(Cap, sut.Upstream.Requests.Count);

            // …while a short JSON call, in a pool of its own, is answered at once.
            // Answered while every stream still holds its connection (they end only at release): no head-of-line blocking.
            using var shortCall = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
            using var answer = await sut.Client.SendAsync(shortCall).WaitAsync(Bound);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Contains("Hello from upstream", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(extra.IsCompleted);

            // The streams end; the waiting one gets its connection.
            release.SetResult();
            foreach (var (_, reader) in open)
            {
                Assert.Contains("event: message_stop", await reader.ReadToEndAsync().WaitAsync(Bound), StringComparison.Ordinal);
            }

            using var extraResponse = await extra.WaitAsync(Bound);
            Assert.Equal(HttpStatusCode.OK, extraResponse.StatusCode);
        }
        finally
        {
            release.TrySetResult();
            foreach (var (response, reader) in open)
            {
                reader.Dispose();
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Defaults_NoCapOnEitherPool_ManyOpenStreamsAndAShortCall()
    {
        const int Streams = 48;
        await using var sut = await GatewayHarness.StartAsync();
        var pools = sut.App.Services.GetRequiredService<UpstreamClient>().Pools;
        Assert.Equal(int.MaxValue, pools.Calls.MaxConnectionsPerServer);
        Assert.Equal(int.MaxValue, pools.Streams.MaxConnectionsPerServer);
        Assert.True(pools.Calls.EnableMultipleHttp2Connections);
        Assert.True(pools.Streams.EnableMultipleHttp2Connections);
        Assert.DoesNotContain("is below Breakwater:Concurrency:MaxLimit", sut.AllLogText(), StringComparison.Ordinal);

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var protocols = new ConcurrentBag<string>();
        sut.Upstream.Default = async context =>
        {
            protocols.Add(context.Request.Protocol);
            if (context.Request.Headers["x-test-kind"] == "stream")
            {
                await FakeUpstream.Stream(release)(context);
            }
            else
            {
                await FakeUpstream.Json(200, FakeUpstream.MessageJson)(context);
            }
        };

        var open = new List<(HttpResponseMessage Response, StreamReader Reader)>();
        try
        {
            var opening = Enumerable.Range(0, Streams).Select(i => OpenStreamAsync(sut, i, ("x-test-kind", "stream"))).ToList();
            open.AddRange(await Task.WhenAll(opening).WaitAsync(Bound));

            // Answered while every stream is still held open: no head-of-line blocking.
            using var shortCall = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
            using var answer = await sut.Client.SendAsync(shortCall).WaitAsync(Bound);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

            // A plain-http upstream (the simulator's case) is spoken to in HTTP/1.1: one connection per open stream.
            Assert.Equal(Streams + 1, protocols.Count);
            Assert.All(protocols, p => Assert.Equal("HTTP/1.1", p));
        }
        finally
        {
            release.TrySetResult();
            foreach (var (response, reader) in open)
            {
                reader.Dispose();
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task H2c_Configured_StreamsShareOneConnectionAndShortCallsStillPass()
    {
        const int Streams = 6;
        await using var sut = await GatewayHarness.StartAsync(
            o =>
            {
                o.UpstreamHttpVersion = UpstreamHttpVersion.Http2;
                o.MaxStreamConnections = 1;
                o.MaxConnectionsPerServer = 1;
            },
            upstreamProtocols: HttpProtocols.Http2);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var protocols = new ConcurrentBag<string>();
        var connections = new ConcurrentDictionary<string, bool>();
        sut.Upstream.Default = async context =>
        {
            protocols.Add(context.Request.Protocol);
            connections.TryAdd(context.Connection.Id, true);
            if (context.Request.Headers["x-test-kind"] == "stream")
            {
                await FakeUpstream.Stream(release)(context);
            }
            else
            {
                await FakeUpstream.Json(200, FakeUpstream.MessageJson)(context);
            }
        };

        var open = new List<(HttpResponseMessage Response, StreamReader Reader)>();
        try
        {
            // Six streams over a pool capped at one connection: HTTP/2 multiplexes them.
            for (var i = 0; i < Streams; i++)
            {
                open.Add(await OpenStreamAsync(sut, i, ("x-test-kind", "stream")));
            }

            using var shortCall = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
            using var answer = await sut.Client.SendAsync(shortCall).WaitAsync(Bound);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

            release.SetResult();
            foreach (var (_, reader) in open)
            {
                Assert.Contains("event: message_stop", await reader.ReadToEndAsync().WaitAsync(Bound), StringComparison.Ordinal);
            }

            Assert.Equal(Streams + 1, protocols.Count);
            Assert.All(protocols, p => Assert.Equal("HTTP/2", p));
            // One connection for the streams, one for the short call.
            Assert.Equal(2, connections.Count);
        }
        finally
        {
            release.TrySetResult();
            foreach (var (response, reader) in open)
            {
                reader.Dispose();
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task CapBelowConcurrencyLimit_OverHttp11_WarnsAtStart()
    {
        await using var sut = await GatewayHarness.StartAsync(o =>
        {
            o.MaxStreamConnections = 1024;
            o.Breakwater.Concurrency.MaxLimit = 4096;
        });
        _ = sut.App.Services.GetRequiredService<UpstreamClient>();

        var logs = sut.AllLogText();
        Assert.Contains("MaxStreamConnections (1024) is below Breakwater:Concurrency:MaxLimit (4096)", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("MaxConnectionsPerServer (", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CapBelowConcurrencyLimit_Http2Only_NoWarning()
    {
        await using var sut = await GatewayHarness.StartAsync(o =>
        {
            o.UpstreamHttpVersion = UpstreamHttpVersion.Http2;
            o.MaxStreamConnections = 8;
        });
        _ = sut.App.Services.GetRequiredService<UpstreamClient>();

        Assert.DoesNotContain("is below Breakwater:Concurrency:MaxLimit", sut.AllLogText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.anthropic.com", UpstreamHttpVersion.Auto, "2.0", HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData("http://127.0.0.1:9000", UpstreamHttpVersion.Auto, "1.1", HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData("https://api.anthropic.com", UpstreamHttpVersion.Http11, "1.1", HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData("http://127.0.0.1:9000", UpstreamHttpVersion.Http11, "1.1", HttpVersionPolicy.RequestVersionOrLower)]
    [InlineData("https://api.anthropic.com", UpstreamHttpVersion.Http2, "2.0", HttpVersionPolicy.RequestVersionExact)]
    [InlineData("http://127.0.0.1:9000", UpstreamHttpVersion.Http2, "2.0", HttpVersionPolicy.RequestVersionExact)]
    public void Protocol_FromSchemeAndSetting(string upstream, UpstreamHttpVersion setting, string version, HttpVersionPolicy policy)
    {
        var protocol = UpstreamProtocol.For(new Uri(upstream), setting);

        Assert.Equal(Version.Parse(version), protocol.Version);
        Assert.Equal(policy, protocol.Policy);
        Assert.Equal(setting != UpstreamHttpVersion.Http2, protocol.MayUseHttp11);
    }

    [Fact]
    public void IsStream_ReadsTheBodyTheGatewayHandedOver()
    {
        var stream = "{\"model\":\"m\",\"stream\":true}"u8.ToArray();
        var json = "{\"model\":\"m\",\"stream\":false}"u8.ToArray();

        Assert.True(IsStream(new RequestBodyContent(stream) { Parsed = RequestBody.Parse(stream) }));
        Assert.True(IsStream(new RequestBodyContent(stream)));
        Assert.False(IsStream(new RequestBodyContent(json)));
        Assert.False(IsStream(new ByteArrayContent(stream)));
        Assert.False(IsStream(null));

        static bool IsStream(HttpContent? content)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/v1/messages") { Content = content };
            return UpstreamPools.IsStream(message);
        }
    }

    private static string StreamBody(int i) =>
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream " + i + "\"}]}";

    /// <summary>Opens a stream through the gateway and reads it up to its first delta (the upstream then holds it).</summary>
    private static async Task<(HttpResponseMessage Response, StreamReader Reader)> OpenStreamAsync(GatewayHarness sut, int i, params (string Name, string Value)[] headers)
    {
        using var request = GatewayHarness.Post("/v1/messages", StreamBody(i), headers);
        var response = await sut.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        StreamReader? reader = null;
        try
        {
            reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var seen = "";
            while (!seen.Contains("event: content_block_delta", StringComparison.Ordinal))
            {
                var line = await reader.ReadLineAsync().WaitAsync(Bound) ?? throw new InvalidOperationException("The stream ended before its first delta.");
                seen += line + "\n";
            }

            var opened = (response, reader);
            reader = null;
            return opened;
        }
        finally
        {
            reader?.Dispose();
        }
    }
}
