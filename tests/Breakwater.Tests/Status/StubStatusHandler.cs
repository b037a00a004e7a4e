using System.Net;
using System.Text;

namespace Breakwater.Tests.Status;

/// <summary>Answers status page requests from a script, counting them; never touches the network.</summary>
internal sealed class StubStatusHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _respond;
    private int _calls;

    public StubStatusHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) => _respond = respond;

    public int Calls => Volatile.Read(ref _calls);

    public List<Uri> Requests { get; } = [];

    public static StubStatusHandler Json(Func<string> body, HttpStatusCode status = HttpStatusCode.OK) =>
        new((_, _) => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body(), Encoding.UTF8, "application/json") }));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        lock (Requests)
        {
            Requests.Add(request.RequestUri!);
        }

        return _respond(request, cancellationToken);
    }
}
