using System.Globalization;
using Breakwater.Fuzz;

// run [--seconds N] [--seed S] [--target NAME] [--artifacts DIR]: the built-in seeded driver (CI runs this).
// afl TARGET: SharpFuzz's AFL entry point (after `sharpfuzz` instrumented Breakwater.dll; see docs/fuzzing.md).
// libfuzzer TARGET: SharpFuzz's libFuzzer entry point (for libfuzzer-dotnet).
// repro TARGET FILE: runs one input, prints the finding if any.
// corpus TARGET DIR: writes the target's samples to DIR (the starting corpus for AFL or libFuzzer).
// list: the targets and what each checks.
var command = args.Length > 0 ? args[0] : "run";
string? Arg(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

FuzzTarget Find(string name) => Targets.All.FirstOrDefault(t => t.Name == name)
    ?? throw new ArgumentException($"Unknown target '{name}'; one of: {string.Join(", ", Targets.All.Select(t => t.Name))}.");

switch (command)
{
    case "run":
        var seconds = double.Parse(Arg("--seconds") ?? "30", CultureInfo.InvariantCulture);
        var seed = int.Parse(Arg("--seed") ?? "1", CultureInfo.InvariantCulture);
        var targets = Arg("--target") is { } only ? [Find(only)] : Targets.All;
        return Driver.Run(targets, TimeSpan.FromSeconds(seconds), seed, Arg("--artifacts") ?? Path.Combine(Path.GetTempPath(), "breakwater-fuzz"));
    case "afl" when args.Length > 1:
        var afl = Find(args[1]);
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            afl.Run(copy.GetBuffer().AsSpan(0, (int)copy.Length));
        });
        return 0;
    case "libfuzzer" when args.Length > 1:
        var lib = Find(args[1]);
        SharpFuzz.Fuzzer.LibFuzzer.Run(span => lib.Run(span));
        return 0;
    case "repro" when args.Length > 2:
        var finding = Driver.Try(Find(args[1]), File.ReadAllBytes(args[2]), 0, Path.Combine(Path.GetTempPath(), "breakwater-fuzz-repro"), 0);
        Console.WriteLine(finding ?? "no finding");
        return finding is null ? 0 : 1;
    case "corpus" when args.Length > 2:
        Directory.CreateDirectory(args[2]);
        var samples = Find(args[1]).Seeds;
        for (var i = 0; i < samples.Count; i++)
        {
            File.WriteAllBytes(Path.Combine(args[2], $"sample{i}.bin"), samples[i]);
        }

        return 0;
    case "list":
        foreach (var t in Targets.All)
        {
            Console.WriteLine($"{t.Name,-16} {t.Checks}");
        }

        return 0;
    default:
        Console.Error.WriteLine("usage: Breakwater.Fuzz run [--seconds N] [--seed S] [--target NAME] [--artifacts DIR] | afl TARGET | libfuzzer TARGET | repro TARGET FILE | corpus TARGET DIR | list");
        return 2;
}
