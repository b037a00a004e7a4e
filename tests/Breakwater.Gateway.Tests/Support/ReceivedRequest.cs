namespace Breakwater.Gateway.Tests.Support;

/// <summary>What the fake upstream saw of one request.</summary>
internal sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}
