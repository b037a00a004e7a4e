namespace Breakwater.Gateway.Tests.Clients;

/// <summary>How a client process ended.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    public string Describe() =>
        $"exit {ExitCode}{(TimedOut ? " (killed after its time limit)" : "")}\n--- stdout ---\n{Tail(Stdout)}\n--- stderr ---\n{Tail(Stderr)}";

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];
}
