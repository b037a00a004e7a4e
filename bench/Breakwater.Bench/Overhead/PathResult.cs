namespace Breakwater.Bench.Overhead;

/// <summary>Everything measured for one path (direct, yarp, breakwater, portkey). Missing figures are null, with <see cref="Notes"/> saying why.</summary>
internal sealed class PathResult
{
    public required string Path { get; init; }

    public List<WrkResult> Json { get; } = [];

    public List<WrkResult> Sse { get; } = [];

    public TtfbResult? Ttfb { get; set; }

    public long? RssAfterLoadBytes { get; set; }

    public List<string> Notes { get; } = [];

    public WrkResult? JsonAt(int connections) => Json.FirstOrDefault(r => r.Connections == connections);

    public WrkResult? SseAt(int connections) => Sse.FirstOrDefault(r => r.Connections == connections);
}
