using System.Net;
using System.Text;
using Breakwater.Simulator.Benchmark;

namespace Breakwater.Simulator.Tests.Benchmark;

/// <summary>
/// Answers each request through a per-request script (it sees the model the request names), and records when each
/// request came and which model it named. A script may throw (a connection error) or never answer (see <see cref="Hang"/>).
/// </summary>
internal sealed class ModelScriptedHandler(TimeProvider time, Func<string, int, HttpResponseMessage?> script) : HttpMessageHandler
{
    private readonly DateTimeOffset _origin = time.GetUtcNow();

    public List<(TimeSpan At, string Model)> Calls { get; } = [];

    /// <summary>Returned by a script: the request is never answered (until its token is cancelled).</summary>
    public static HttpResponseMessage? Hang => null;

    public List<TimeSpan> Times => [.. Calls.Select(c => c.At)];

    public List<string> Models => [.. Calls.Select(c => c.Model)];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var model = UpstreamTap.ModelOf(body) ?? "";
        Calls.Add((time.GetUtcNow() - _origin, model));
        var response = script(model, Calls.Count(c => c.Model == model));
        if (response is null)
        {
            var never = new TaskCompletionSource<HttpResponseMessage>();
            using var registration = cancellationToken.Register(() => never.TrySetCanceled(cancellationToken));
            return await never.Task.ConfigureAwait(false);
        }

        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Status(int status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}")) };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}
