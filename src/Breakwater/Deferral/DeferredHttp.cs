using System.Text;
using Breakwater.Anthropic;

namespace Breakwater.Deferral;

/// <summary>Turns stored jobs into requests and upstream answers into stored responses.</summary>
internal static class DeferredHttp
{
    public static HttpRequestMessage ToRequest(DeferredJob job, Uri baseAddress)
    {
        var request = new HttpRequestMessage(new HttpMethod(job.Request.Method), Join(baseAddress, job.Request.PathAndQuery))
        {
            Content = new ByteArrayContent(job.Request.Body.ToArray()),
        };
        request.Content.Headers.ContentType = null;
        foreach (var h in job.Request.Headers)
        {
            if (!Keeps(h.Name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(h.Name, h.Value))
            {
                request.Content.Headers.TryAddWithoutValidation(h.Name, h.Value);
            }
        }

        return request;
    }

    /// <summary>Whether a request header belongs to a job's stored request: not hop-by-hop, not a credential, not breakwater-*.</summary>
    public static bool Keeps(string name) =>
        !HopHeaders.StaysOnRequestHop(name) && !HeaderCodec.IsCredential(name)
        && !name.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Joins without dropping a path prefix of the base (e.g. <c>http://host/anthropic/</c>).</summary>
    public static Uri Join(Uri baseAddress, string pathAndQuery)
    {
        var root = baseAddress.AbsoluteUri;
        return new Uri((root.EndsWith('/') ? root : root + "/") + pathAndQuery.TrimStart('/'), UriKind.Absolute);
    }

    public static async Task<DeferredResponse> ToResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headers = new List<DeferredHeader>();
        foreach (var h in response.Headers)
        {
            // breakwater-* describe the worker's own attempt, not what the upstream returned.
            if (!h.Key.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                headers.AddRange(h.Value.Select(v => new DeferredHeader(h.Key, v)));
            }
        }

        foreach (var h in response.Content.Headers)
        {
            headers.AddRange(h.Value.Select(v => new DeferredHeader(h.Key, v)));
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new DeferredResponse((int)response.StatusCode, headers, body);
    }

    /// <summary>Overloads, rate limits, timeouts and server errors are worth another try later; other answers are final.</summary>
    public static bool IsTransient(DeferredResponse response) =>
        response.StatusCode is 408 or 429 or >= 500;

    public static string Describe(DeferredResponse response)
    {
        var sb = new StringBuilder().Append(response.StatusCode);
        foreach (var name in (string[])["x-should-retry", BreakwaterHeaders.GiveUp, "request-id"])
        {
            var h = response.Headers.FirstOrDefault(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase));
            if (h is not null)
            {
                sb.Append(' ').Append(name).Append('=').Append(h.Value);
            }
        }

        return sb.ToString();
    }
}
