namespace Breakwater.Bench.Overhead;

/// <summary>A path ready to measure: where to send requests, which headers to add, which process to weigh (0 = none), and the .NET child when it is one of ours.</summary>
internal sealed record RunningProxy(Uri Address, IReadOnlyDictionary<string, string> Headers, int Pid, IDisposable? Owner) : IDisposable
{
    public ChildProcess? Child => Owner as ChildProcess;

    public void Dispose() => Owner?.Dispose();
}
