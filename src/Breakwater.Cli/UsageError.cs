namespace Breakwater.Cli;

/// <summary>A command-line mistake: what is wrong (one line) and what to do about it.</summary>
internal sealed record UsageError(string Message, IReadOnlyList<string> Hints);
