namespace Breakwater.Deferral;

/// <summary>The request a job will send upstream. Credential headers are never stored here.</summary>
/// <param name="Method">The HTTP method, e.g. <c>POST</c>.</param>
/// <param name="PathAndQuery">Path and query, e.g. <c>/v1/messages</c>.</param>
/// <param name="Headers">Request headers; <c>x-api-key</c> and <c>authorization</c> are dropped by the store.</param>
/// <param name="Body">The body bytes as received.</param>
public sealed record DeferredRequest(string Method, string PathAndQuery, IReadOnlyList<DeferredHeader> Headers, ReadOnlyMemory<byte> Body)
{
    /// <summary>
    /// Captures an <see cref="HttpRequestMessage"/> as a job's request: method, path and query, headers (content headers
    /// included; credentials, <c>breakwater-*</c> and hop-by-hop headers left out) and the body bytes. The content must
    /// be readable (a <see cref="ByteArrayContent"/> or <see cref="StringContent"/> can be read again after a send).
    /// </summary>
    /// <param name="request">The request, e.g. the one that just came back with a deferrable give-up.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <returns>The request to store.</returns>
    public static async Task<DeferredRequest> FromAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no URI.", nameof(request));
        var pathAndQuery = uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
        var headers = new List<DeferredHeader>();
        foreach (var h in request.Headers)
        {
            Add(headers, h.Key, h.Value);
        }

        var body = ReadOnlyMemory<byte>.Empty;
        if (request.Content is { } content)
        {
            foreach (var h in content.Headers)
            {
                Add(headers, h.Key, h.Value);
            }

            body = await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }

        return new DeferredRequest(request.Method.Method, pathAndQuery.StartsWith('/') ? pathAndQuery : "/" + pathAndQuery, headers, body);
    }

    private static void Add(List<DeferredHeader> headers, string name, IEnumerable<string> values)
    {
        if (DeferredHttp.Keeps(name))
        {
            headers.AddRange(values.Select(v => new DeferredHeader(name, v)));
        }
    }
}
