namespace Breakwater.Bench.Overhead;

/// <summary>
/// Many streams held open through one proxy: how many reached the client, how many the upstream was holding, and the
/// proxy's RSS before and with them open (bytes).
/// </summary>
internal sealed record OpenStreamsResult(int Requested, int Receiving, int OpenAtUpstream, int Failed, long IdleRssBytes, long RssBytes);
