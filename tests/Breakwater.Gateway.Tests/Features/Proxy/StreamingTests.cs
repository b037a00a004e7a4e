using System.Net;
using System.Text;
using Breakwater.Gateway.Tests.Support;

namespace Breakwater.Gateway.Tests.Features.Proxy;

public sealed class StreamingTests
{
    // Bounds a wait that only ends by a bug; never a timing assertion.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null) => GatewayHarness.StartAsync(configure);

    [Fact]
    public async Task Stream_FirstDelta_ReachesClientBeforeUpstreamSendsMessageStop()
    {
        await using var sut = await CreateSut();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Upstream.Default = FakeUpstream.Stream(release);

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.StreamBody);
        using var response = await sut.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var before = await ReadUntilAsync(reader, "event: content_block_delta").WaitAsync(Bound);
        Assert.DoesNotContain("message_stop", before, StringComparison.Ordinal);
        release.SetResult();
        var rest = await reader.ReadToEndAsync().WaitAsync(Bound);

        var all = before + rest;
        Assert.Contains("event: message_stop", rest, StringComparison.Ordinal);
        Assert.Equal(1, Count(all, "event: message_start"));
        Assert.Equal(2, Count(all, "event: content_block_delta"));
    }

    [Fact]
    public async Task Stream_OverloadBeforeFirstDelta_RetriedWithoutDuplicateMessageStart()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Enqueue(FakeUpstream.Overloaded());
        sut.Upstream.Default = FakeUpstream.Stream();

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.StreamBody);
        using var response = await sut.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Count(body, "event: message_start"));
        Assert.Contains("event: message_stop", body, StringComparison.Ordinal);
        Assert.Equal(2, sut.Upstream.Requests.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Stream_UpstreamBreaksAfterFirstDelta_ClientGetsErrorEventNotCleanEnd(bool reset)
    {
        await using var sut = await CreateSut();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Upstream.Default = FakeUpstream.Stream(release, breakAfterFirstDelta: true, reset: reset);

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.StreamBody);
        using var response = await sut.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var before = await ReadUntilAsync(reader, "event: content_block_delta").WaitAsync(Bound);
        release.SetResult();
        var body = before + await ReadRestTolerantAsync(reader);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("event: error", body, StringComparison.Ordinal);
        Assert.DoesNotContain("event: message_stop", body, StringComparison.Ordinal);
        Assert.Equal(1, Count(body, "event: content_block_delta"));
        Assert.Single(sut.Upstream.Requests);
    }

    [Fact]
    public async Task Stream_ClientDisconnectsMidStream_CancelsUpstreamRequest()
    {
        await using var sut = await CreateSut();
        var never = new TaskCompletionSource();
        sut.Upstream.Default = FakeUpstream.Stream(never);

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.StreamBody);
        var response = await sut.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await ReadUntilAsync(reader, "event: content_block_delta").WaitAsync(Bound);
        reader.Dispose();
        response.Dispose();

        await sut.Upstream.Aborted.Task.WaitAsync(Bound);
        Assert.Equal(1, sut.Upstream.AbortedCount);
        using var health = await sut.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Messages_ClientDisconnectsWhileUpstreamSilent_CancelsUpstreamRequest()
    {
        await using var sut = await CreateSut();
        var never = new TaskCompletionSource();
        sut.Upstream.Default = FakeUpstream.Hang(never);
        using var cancel = new CancellationTokenSource();

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        var call = sut.Client.SendAsync(request, cancel.Token);
        await sut.Upstream.Received.Task.WaitAsync(Bound);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await sut.Upstream.Aborted.Task.WaitAsync(Bound);
        Assert.Equal(1, sut.Upstream.AbortedCount);
    }

    internal static async Task<string> ReadUntilAsync(StreamReader reader, string marker)
    {
        var text = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            var line = await reader.ReadLineAsync() ?? throw new InvalidOperationException("stream ended before " + marker + ": " + text);
            text.Append(line).Append('\n');
            if (line == marker)
            {
                // Read the data line of that event too.
                text.Append(await reader.ReadLineAsync()).Append('\n');
                return text.ToString();
            }
        }

        throw new InvalidOperationException("marker not found: " + marker);
    }

    internal static async Task<string> ReadRestTolerantAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        try
        {
            for (var i = 0; i < 10_000; i++)
            {
                var line = await reader.ReadLineAsync().WaitAsync(Bound);
                if (line is null)
                {
                    break;
                }

                text.Append(line).Append('\n');
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // An aborted response still shows what arrived before.
        }

        return text.ToString();
    }

    internal static async Task<string> ReadAllTolerantAsync(HttpResponseMessage response)
    {
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer).WaitAsync(Bound);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // An aborted response still shows what arrived before.
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    internal static int Count(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
