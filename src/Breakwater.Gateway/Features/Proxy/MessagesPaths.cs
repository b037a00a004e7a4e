namespace Breakwater.Gateway.Features.Proxy;

/// <summary>
/// Recognises every spelling of the two pipeline endpoints that an upstream (or a proxy in front of it) might still
/// route to them: any case, a trailing slash, empty segments (<c>//</c>), dot segments, <c>%2F</c> or <c>\</c> as a
/// separator, and path parameters (<c>;x</c>, also sent as <c>%3B</c>, which Kestrel decodes). Such a path must go
/// through the pipeline (or be refused), never around it to the upstream as is.
/// </summary>
internal static class MessagesPaths
{
    /// <summary>The endpoint <paramref name="path"/> (a decoded request path) designates, and whether it carries path parameters.</summary>
    public static MessagesRoute Match(string path, out bool hasParameters)
    {
        hasParameters = false;
        var normalised = path.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase).Replace('\\', '/');
        var segments = new List<string>(4);
        foreach (var raw in normalised.Split('/'))
        {
            var segment = raw;
            var semicolon = segment.IndexOf(';', StringComparison.Ordinal);
            if (semicolon >= 0)
            {
                hasParameters = true;
                segment = segment[..semicolon];
            }

            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        if (segments.Count < 2 || !Is(segments[0], "v1") || !Is(segments[1], "messages"))
        {
            return MessagesRoute.None;
        }

        // Anything deeper than count_tokens (batches and their results, for example) is a forwarded route.
        return segments.Count switch
        {
            2 => MessagesRoute.Messages,
            3 when Is(segments[2], "count_tokens") => MessagesRoute.CountTokens,
            _ => MessagesRoute.None,
        };
    }

    /// <summary>The exact path of <paramref name="route"/>.</summary>
    public static string Canonical(MessagesRoute route) => route == MessagesRoute.CountTokens ? "/v1/messages/count_tokens" : "/v1/messages";

    private static bool Is(string segment, string name) => string.Equals(segment, name, StringComparison.OrdinalIgnoreCase);
}
