using System.Net;
using Breakwater.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Breakwater.Gateway.Tests.Features.Proxy;

public sealed class UpstreamFaultTests
{
    private static Task<GatewayHarness> CreateSut(Action<GatewayOptions>? configure = null) => GatewayHarness.StartAsync(configure);

    [Fact]
    public async Task Messages_UpstreamRefused_502ApiErrorAfterRetries()
    {
        await using var sut = await CreateSut(o => o.Upstream = ClosedPort.Url());

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 502, "api_error");
        Assert.Equal("3", response.Headers.GetValues("breakwater-attempts").Single());
        Assert.Equal("attempts", response.Headers.GetValues("breakwater-giveup").Single());
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        await AssertStillServingAsync(sut);
    }

    [Fact]
    public async Task Messages_UpstreamResetsConnection_502ApiError()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = FakeUpstream.Reset;

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 502, "api_error");
        Assert.Equal("3", response.Headers.GetValues("breakwater-attempts").Single());
        Assert.True(sut.Upstream.Requests.Count >= 3);
        await AssertStillServingAsync(sut);
    }

    [Fact]
    public async Task Messages_UpstreamSilentPastAttemptTimeout_504TimeoutError()
    {
        var release = new TaskCompletionSource();
        await using var sut = await CreateSut(o =>
        {
            o.Breakwater.AttemptTimeout = TimeSpan.FromMilliseconds(200);
            o.Breakwater.Retry.ServerError.MaxRetries = 0;
        });
        sut.Upstream.Default = FakeUpstream.Hang(release);

        using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
        using var response = await sut.Client.SendAsync(request);

        await ErrorBody.AssertGatewayErrorAsync(response, 504, "timeout_error");
        await sut.Upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await AssertStillServingAsync(sut);
    }

    private static Func<HttpContext, Task> TruncatedJson(TaskCompletionSource? release = null) => async context =>
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = 1000;
        await context.Response.WriteAsync("""{"id":"msg_01","type":"mes""");
        await context.Response.Body.FlushAsync();
        if (release is not null)
        {
            await release.Task.WaitAsync(context.RequestAborted);
        }

        context.Abort();
    };

    [Fact]
    public async Task Messages_UpstreamTruncatesJsonBody_ClearErrorNotACleanTruncatedAnswer()
    {
        await using var sut = await CreateSut();
        sut.Upstream.Default = TruncatedJson();

        // Two correct outcomes, depending on whether the truncation is seen before the gateway starts relaying a JSON
        // success (it does not buffer it): a clear 502, or an aborted connection. Never a clean, truncated 200.
        HttpResponseMessage? response = null;
        try
        {
            using var request = GatewayHarness.Post("/v1/messages", GatewayHarness.MessagesBody);
            response = await sut.Client.SendAsync(request);
        }
        catch (HttpRequestException ex) when (ex.InnerException is IOException)
        {
        }

        if (response is not null)
        {
            using (response)
            {
                await ErrorBody.AssertGatewayErrorAsync(response, 502, "api_error");
            }
        }

        await AssertStillServingAsync(sut);
    }

    [Fact]
    public async Task Forward_UpstreamTruncatesJsonBodyAfterBytesSent_ClientConnectionAborted()
    {
        await using var sut = await CreateSut();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Upstream.Default = TruncatedJson(release);

        using var response = await sut.Client.GetAsync("/v1/models", HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var first = new byte[8];
        await stream.ReadExactlyAsync(first);
        release.SetResult();

        await Assert.ThrowsAnyAsync<IOException>(() => stream.CopyToAsync(Stream.Null));
        await AssertStillServingAsync(sut);
    }

    [Fact]
    public async Task Forward_UpstreamResetsStreamedBody_SseGetsErrorEvent()
    {
        await using var sut = await CreateSut();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Upstream.Default = async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            await FakeUpstream.WriteEventAsync(context, "ping", "{}");
            await release.Task.WaitAsync(context.RequestAborted);
            context.Abort();
        };

        using var response = await sut.Client.GetAsync("/v1/some/stream", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync();
        release.SetResult();
        var rest = await StreamingTests.ReadRestTolerantAsync(reader);

        Assert.Equal("event: ping", first);
        Assert.Contains("event: error", rest, StringComparison.Ordinal);
        Assert.Contains("req_bw_", rest, StringComparison.Ordinal);
    }

    private static async Task AssertStillServingAsync(GatewayHarness sut)
    {
        using var health = await sut.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
