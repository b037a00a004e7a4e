using System.Collections.Frozen;

namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>The dashboard's files, embedded in the assembly (Features/Dashboard/wwwroot): nothing is fetched from anywhere else.</summary>
internal static class DashboardAssets
{
    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType)> Files = Load();

    public static bool TryGet(string name, out byte[] bytes, out string contentType)
    {
        if (Files.TryGetValue(name, out var file))
        {
            bytes = file.Bytes;
            contentType = file.ContentType;
            return true;
        }

        bytes = [];
        contentType = "";
        return false;
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        const string marker = ".Features.Dashboard.wwwroot.";
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var at = resource.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[(at + marker.Length)..];
            files[name] = (copy.ToArray(), ContentTypeOf(name));
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
