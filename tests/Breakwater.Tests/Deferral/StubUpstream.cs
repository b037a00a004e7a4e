using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Breakwater.Tests.Deferral;

/// <summary>An in-memory upstream: answers from a script, can hold every call until released.</summary>
internal sealed class StubUpstream : HttpMessageHandler
{
    private readonly ConcurrentQueue<(HttpStatusCode Status, string Body)> _script = new();
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StubUpstream(bool hold = false)
    {
        if (!hold)
        {
            _gate.SetResult();
        }
    }

    public ConcurrentQueue<(HttpRequestMessage Request, string Body)> Received { get; } = new();

    public int Entered;

    public void Enqueue(HttpStatusCode status, string body) => _script.Enqueue((status, body));

    public void Release() => _gate.TrySetResult();

    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        Received.Enqueue((request, body));
        Interlocked.Increment(ref Entered);
        await _gate.Task.WaitAsync(cancellationToken);
        var (status, text) = _script.TryDequeue(out var next) ? next : (HttpStatusCode.OK, """{"id":"msg_1","type":"message"}""");
        var response = new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, "application/json") };
        response.Headers.TryAddWithoutValidation("request-id", "req_up");

        // What a BreakwaterHandler in front of the upstream adds: not part of the upstream's answer.
        response.Headers.TryAddWithoutValidation("breakwater-attempts", "1");
        return response;
    }
}
