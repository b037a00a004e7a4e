using Spectre.Console.Cli;

namespace Breakwater.Cli.Tests.Doctor;

internal sealed class TestRemainingArguments : IRemainingArguments
{
    public ILookup<string, string?> Parsed { get; } = Array.Empty<string>().ToLookup(x => x, x => (string?)x);

    public IReadOnlyList<string> Raw { get; } = [];
}
