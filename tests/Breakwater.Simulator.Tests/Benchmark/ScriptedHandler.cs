using System.Net;

namespace Breakwater.Simulator.Tests.Benchmark;

/// <summary>Answers each request with the next scripted response at once, and records when each request came.</summary>
internal sealed class ScriptedHandler(TimeProvider time, params Func<HttpResponseMessage>[] responses) : HttpMessageHandler
{
    private int _next;

    public List<TimeSpan> Times { get; } = [];

    private readonly DateTimeOffset _origin = time.GetUtcNow();

    public static Func<HttpResponseMessage> Status(int status, params (string Name, string Value)[] headers) => () =>
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent([]) };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Times.Add(time.GetUtcNow() - _origin);
        var response = responses[Math.Min(_next++, responses.Length - 1)]();
        response.RequestMessage = request;
        return Task.FromResult(response);
    }
}
