using Breakwater.Pipeline;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>
/// The last hop to the upstream: two connection pools, one for streaming Messages calls and one for everything else
/// (JSON calls, count_tokens, forwarded routes), so that long streams can never take the connections a short call
/// needs, whatever the caps. Sets the HTTP version of every request (<see cref="UpstreamProtocol"/>).
/// </summary>
internal sealed class UpstreamPools : HttpMessageHandler
{
    private readonly HttpMessageInvoker _calls;
    private readonly HttpMessageInvoker _streams;
    private readonly UpstreamProtocol _protocol;

    public UpstreamPools(SocketsHttpHandler calls, SocketsHttpHandler streams, UpstreamProtocol protocol)
    {
        Calls = calls;
        Streams = streams;
        _calls = new HttpMessageInvoker(calls, disposeHandler: false);
        _streams = new HttpMessageInvoker(streams, disposeHandler: false);
        _protocol = protocol;
    }

    /// <summary>The pool of JSON calls and forwarded routes.</summary>
    public SocketsHttpHandler Calls { get; }

    /// <summary>The pool of streaming Messages calls.</summary>
    public SocketsHttpHandler Streams { get; }

    /// <summary>
    /// A streaming Messages call: a body the gateway handed over (or the pipeline copied for a retry) with top-level
    /// <c>"stream": true</c>. Any other content, or none, is a call.
    /// </summary>
    public static bool IsStream(HttpRequestMessage request) =>
        request.Content is RequestBodyContent content && (content.Parsed ?? RequestBody.Parse(content.Bytes)).IsStream;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Prepare(request);
        return (IsStream(request) ? _streams : _calls).SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Prepare(request);
        return (IsStream(request) ? _streams : _calls).Send(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _calls.Dispose();
            _streams.Dispose();
            Calls.Dispose();
            Streams.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Prepare(HttpRequestMessage request)
    {
        request.Version = _protocol.Version;
        request.VersionPolicy = _protocol.Policy;
    }
}
