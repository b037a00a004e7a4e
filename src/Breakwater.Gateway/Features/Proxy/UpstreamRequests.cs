using Breakwater.Anthropic;
using Breakwater.Gateway.Features.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>Turns an incoming request into the upstream request: configured host only, path and query kept, headers filtered.</summary>
internal static class UpstreamRequests
{
    /// <summary>The upstream URI, or <c>null</c> when the path would leave the configured upstream.</summary>
    public static Uri? TargetUri(Uri baseAddress, HttpRequest request) => TargetUri(baseAddress, request.Path, request.QueryString);

    /// <summary>The upstream URI of <paramref name="path"/> and <paramref name="query"/>, or <c>null</c> when it would leave the configured upstream.</summary>
    public static Uri? TargetUri(Uri baseAddress, PathString path, QueryString query)
    {
        // The base ends in '/', the path starts with one: join without doubling so a path prefix in the base is kept.
        var relative = path.ToUriComponent().TrimStart('/');
        if (!Uri.TryCreate(baseAddress.AbsoluteUri + relative + query.ToUriComponent(), UriKind.Absolute, out var uri))
        {
            return null;
        }

        return Uri.Compare(uri, baseAddress, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0 ? uri : null;
    }

    public static HttpRequestMessage Create(HttpRequest request, Uri target, HttpContent? content, GatewayAuthOptions auth, bool dropAcceptEncoding, bool dropBreakwaterHeaders)
    {
        // Parse returns the shared instance for the standard methods instead of a new object per request.
        var message = new HttpRequestMessage(HttpMethod.Parse(request.Method), target)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Content = content,
        };

        var managed = auth.Mode == GatewayAuthMode.Managed;
        var connection = request.Headers.Connection;
        foreach (var header in request.Headers)
        {
            var name = header.Key;
            if (!HeaderRules.ForwardRequestHeader(name, connection, managed))
            {
                continue;
            }

            if (dropAcceptEncoding && name.Equals(HeaderNames.AcceptEncoding, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (dropBreakwaterHeaders && name.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.StartsWith("content-", StringComparison.OrdinalIgnoreCase))
            {
                if (content is not null)
                {
                    Add(content.Headers, name, header.Value);
                }

                continue;
            }

            Add(message.Headers, name, header.Value);
        }

        if (managed)
        {
            message.Headers.TryAddWithoutValidation(AnthropicHeaders.ApiKey, auth.UpstreamApiKey);
        }

        return message;
    }

    /// <summary>A single value goes in as its string: the <c>IEnumerable</c> overload would box the values and keep a list per header.</summary>
    private static void Add(System.Net.Http.Headers.HttpHeaders headers, string name, StringValues values)
    {
        if (values.Count == 1)
        {
            headers.TryAddWithoutValidation(name, values.ToString());
        }
        else
        {
            headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
        }
    }
}
