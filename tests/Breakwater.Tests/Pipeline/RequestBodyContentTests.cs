using System.Text;
using Breakwater.Pipeline;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Pipeline;

public sealed class RequestBodyContentTests
{
    private const string Body = "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

    private static (HttpMessageInvoker Invoker, List<HttpRequestMessage> Sent, ScriptedHandler Upstream, FakeTimeProvider Time) CreateSut(Func<int, HttpResponseMessage> script)
    {
        var time = new ObservableTimeProvider();
        var sent = new List<HttpRequestMessage>();
        var upstream = new ScriptedHandler(time, (n, request, _) =>
        {
            lock (sent)
            {
                sent.Add(request);
            }

            return Task.FromResult(script(n));
        });
        #pragma warning disable CA2000 // Ownership moves to the returned HttpMessageInvoker, which disposes the handler chain.
        return (new HttpMessageInvoker(new BreakwaterHandler(new BreakwaterOptions(), time, new FixedRandom(0)) { InnerHandler = upstream }), sent, upstream, time);
        #pragma warning restore CA2000
    }

    private static HttpRequestMessage GatewayRequest(params (string Name, string Value)[] extra)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/v1/messages") { Content = new RequestBodyContent(Encoding.UTF8.GetBytes(Body)) };
        request.Content.Headers.TryAddWithoutValidation("content-type", "application/json");
        request.Headers.TryAddWithoutValidation("x-api-key", Api.Key);
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        foreach (var (name, value) in extra)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    [Fact]
    public async Task SendAsync_GatewayBody_FirstAttemptIsTheCallersOwnRequest()
    {
        var sut = CreateSut(_ => Api.Ok("req_1"));
        using var request = GatewayRequest();

        using var response = await TimeLoop.Run(sut.Time, sut.Invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(5));

        Assert.Same(request, Assert.Single(sut.Sent));
        Assert.Equal(Body, Encoding.UTF8.GetString(Assert.Single(sut.Upstream.Requests).Body));
    }

    [Fact]
    public async Task SendAsync_GatewayBodyRetried_RetryIsACopyWithTheSameBodyAndHeaders()
    {
        var sut = CreateSut(n => n == 0 ? Api.Overloaded("req_bad") : Api.Ok("req_good"));
        using var request = GatewayRequest();

        using var response = await TimeLoop.Run(sut.Time, sut.Invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(5));

        Assert.Equal(2, sut.Sent.Count);
        Assert.Same(request, sut.Sent[0]);
        Assert.NotSame(request, sut.Sent[1]);
        Assert.Equal(sut.Upstream.Requests[0].Body, sut.Upstream.Requests[1].Body);
        Assert.Equal(sut.Upstream.Requests[0].Headers, sut.Upstream.Requests[1].Headers);
    }

    [Fact]
    public async Task SendAsync_GatewayBodyFirstAttemptFailsOnTheWire_RetryCarriesTheSameBodyAndHeaders()
    {
        var time = new ObservableTimeProvider();
        var upstream = new ScriptedHandler(time, (n, _, _) => n == 0
            ? Task.FromException<HttpResponseMessage>(new HttpRequestException("connection reset"))
            : Task.FromResult(Api.Ok("req_good")));
        using var breakwaterHandler = new BreakwaterHandler(new BreakwaterOptions(), time, new FixedRandom(0)) { InnerHandler = upstream };
        using var invoker = new HttpMessageInvoker(breakwaterHandler);
        using var request = GatewayRequest();

        using var response = await TimeLoop.Run(time, invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(5));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, upstream.Requests.Count);
        Assert.Equal(Body, Encoding.UTF8.GetString(upstream.Requests[1].Body));
        Assert.Equal(upstream.Requests[0].Headers, upstream.Requests[1].Headers);
    }

    [Fact]
    public async Task SendAsync_GatewayBodyWithBreakwaterHeader_SendsACopyWithoutIt()
    {
        var sut = CreateSut(_ => Api.Ok("req_1"));
        using var request = GatewayRequest((BreakwaterHeaders.Fallback, "deny"));

        using var response = await TimeLoop.Run(sut.Time, sut.Invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(5));

        Assert.NotSame(request, Assert.Single(sut.Sent));
        Assert.DoesNotContain(sut.Upstream.Requests[0].Headers, h => h.Name.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task SendAsync_LibraryCallersContent_IsNeverSentAsIs()
    {
        var sut = CreateSut(_ => Api.Ok("req_1"));
        using var request = Api.Request();

        using var response = await TimeLoop.Run(sut.Time, sut.Invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(5));

        Assert.NotSame(request, Assert.Single(sut.Sent));
    }
}
