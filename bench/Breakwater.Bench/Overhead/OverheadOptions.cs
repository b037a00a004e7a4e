using System.Globalization;

namespace Breakwater.Bench.Overhead;

/// <summary>Flags of <c>overhead</c>. Defaults: 10 s per point, 3 s warm-up, 500 TTFB samples, 1,000 open streams.</summary>
internal sealed record OverheadOptions(TimeSpan Duration, TimeSpan Warmup, int TtfbCount, int Streams, string JsonPath, bool Portkey, string PortkeyDirectory)
{
    /// <summary>Only these paths (<c>--paths direct,yarp,breakwater,portkey</c>); all when empty. For quick partial runs.</summary>
    public IReadOnlyList<string> OnlyPaths { get; init; } = [];

    /// <summary>Only these modes (<c>--modes json,sse</c>); both when empty.</summary>
    public IReadOnlyList<string> OnlyModes { get; init; } = [];

    public bool Includes(string path) => OnlyPaths.Count == 0 || OnlyPaths.Contains(path);

    public bool IncludesMode(string mode) => OnlyModes.Count == 0 || OnlyModes.Contains(mode);

    public static OverheadOptions Parse(string[] args)
    {
        string? Get(string name)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }

        double Seconds(string name, double fallback) => Get(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

        return new OverheadOptions(
            TimeSpan.FromSeconds(Seconds("--duration", 10)),
            TimeSpan.FromSeconds(Seconds("--warmup", 3)),
            Int("--ttfb", 500),
            Int("--streams", 1000),
            Get("--json") ?? "overhead.json",
            !args.Contains("--no-portkey"),
            Get("--portkey-dir") ?? Path.Combine("bench", "portkey"))
        {
            OnlyPaths = List("--paths"),
            OnlyModes = List("--modes"),
        };

        IReadOnlyList<string> List(string name) =>
            Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
    }
}
