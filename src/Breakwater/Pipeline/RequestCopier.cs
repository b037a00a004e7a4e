using System.Net.Http.Headers;

namespace Breakwater.Pipeline;

/// <summary>Builds what each attempt sends: the caller's request, or a copy of it with the current body and no <c>breakwater-*</c> headers.</summary>
internal static class RequestCopier
{
    /// <summary>The request for the call's next attempt.</summary>
    public static HttpRequestMessage ForAttempt(CallContext call) =>
        call.Attempts == 1 && CanSendOriginal(call) ? call.Original : Copy(call);

    /// <summary>
    /// Whether the first attempt may go out as the caller's own request instead of a copy: only for a body the gateway
    /// handed over as <see cref="RequestBodyContent"/> (the message was built for the pipeline alone, and a library
    /// caller's request is never sent as is), with the body unchanged and no <c>breakwater-*</c> header to strip. Later
    /// attempts copy it as usual (headers and options stay readable after it was sent).
    /// </summary>
    private static bool CanSendOriginal(CallContext call)
    {
        var original = call.Original;
        if (original.Content is not RequestBodyContent content || !ReferenceEquals(content.Bytes, call.Body.Bytes))
        {
            return false;
        }

        foreach (var header in original.Headers.NonValidated)
        {
            if (header.Key.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static HttpRequestMessage Copy(CallContext call)
    {
        var original = call.Original;
        var request = new HttpRequestMessage(original.Method, original.RequestUri)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };

        foreach (var header in original.Headers.NonValidated)
        {
            if (!header.Key.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                AddRaw(request.Headers, header.Key, header.Value);
            }
        }

        IReadOnlyDictionary<string, object?> options = original.Options;
        if (options.Count > 0)
        {
            // Touching request.Options creates its dictionary: only when there is something to copy.
            foreach (var option in options)
            {
                ((IDictionary<string, object?>)request.Options)[option.Key] = option.Value;
            }
        }

        if (original.Content is not null)
        {
            // Parsed travels with the copy: the gateway's pools read IsStream from it instead of parsing the body again.
            var content = new RequestBodyContent(call.Body.Bytes) { Parsed = call.Body };
            foreach (var header in original.Content.Headers.NonValidated)
            {
                if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    AddRaw(content.Headers, header.Key, header.Value);
                }
            }

            request.Content = content;
        }

        return request;
    }

    /// <summary>One value goes in as its string: the <c>IEnumerable</c> overload boxes the values and keeps a list per header.</summary>
    private static void AddRaw(HttpHeaders headers, string name, HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            headers.TryAddWithoutValidation(name, values.ToString());
        }
        else
        {
            headers.TryAddWithoutValidation(name, values);
        }
    }
}
