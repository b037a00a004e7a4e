using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.TestKit;

/// <summary>An in-memory upstream: answers each attempt from a script and records what it saw and when (fake time).</summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly Func<int, HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _respond;
    private readonly TimeProvider _time;

    public ScriptedHandler(TimeProvider time, Func<int, HttpResponseMessage> respond)
        : this(time, (n, _, _) => Task.FromResult(respond(n)))
    {
    }

    public ScriptedHandler(TimeProvider time, Func<int, HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        _time = time;
        _respond = respond;
    }

    public List<Seen> Requests { get; } = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return Requests.Count;
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        int n;
        lock (_lock)
        {
            n = Requests.Count;
            Requests.Add(new Seen(_time.GetUtcNow(), body, request.Headers.Select(h => (h.Key, string.Join(",", h.Value))).ToArray()));
        }

        return await _respond(n, request, cancellationToken).ConfigureAwait(false);
    }

    public sealed record Seen(DateTimeOffset At, byte[] Body, (string Name, string Value)[] Headers);

    public static FakeTimeProvider NewTime() => new ObservableTimeProvider();
}
