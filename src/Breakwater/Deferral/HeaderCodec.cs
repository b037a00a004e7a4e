using System.Text;

namespace Breakwater.Deferral;

/// <summary>Headers as "name: value" lines; HTTP header values cannot hold a line break, so no escaping is needed.</summary>
internal static class HeaderCodec
{
    private static readonly string[] Credentials = ["x-api-key", "authorization", "proxy-authorization", "cookie"];

    public static bool IsCredential(string name) =>
        Credentials.Contains(name, StringComparer.OrdinalIgnoreCase);

    public static string Encode(IEnumerable<DeferredHeader> headers, bool dropCredentials)
    {
        var sb = new StringBuilder();
        foreach (var h in headers)
        {
            if (dropCredentials && IsCredential(h.Name))
            {
                continue;
            }

            var value = h.Value.Replace('\r', ' ').Replace('\n', ' ');
            sb.Append(h.Name).Append(": ").Append(value).Append('\n');
        }

        return sb.ToString();
    }

    public static IReadOnlyList<DeferredHeader> Decode(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var list = new List<DeferredHeader>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                list.Add(new DeferredHeader(line[..colon], line[(colon + 2)..]));
            }
        }

        return list;
    }
}
