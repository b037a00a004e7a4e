namespace Breakwater.Bench.Overhead;

/// <summary>A path ready to measure: where to send requests, which headers to add, which process to weigh (0 = none).</summary>
internal sealed record RunningProxy(Uri Address, IReadOnlyDictionary<string, string> Headers, int Pid, IDisposable? Owner) : IDisposable
{
    public void Dispose() => Owner?.Dispose();
}
