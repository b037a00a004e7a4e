using System.Diagnostics;
using System.Globalization;

namespace Breakwater.Fuzz;

/// <summary>
/// The built-in driver: each target runs for its share of the time on its samples and their seeded mutations, and
/// fails at its first finding, whose input is written to the artifacts folder. No instrumentation, no engine.
/// </summary>
internal static class Driver
{
    public static int Run(IReadOnlyList<FuzzTarget> targets, TimeSpan total, int seed, string artifacts)
    {
        var each = total / Math.Max(1, targets.Count);
        int passed = 0, failed = 0;
        foreach (var target in targets)
        {
            var random = new Random(HashCode.Combine(seed, StableHash(target.Name)));
            var mutator = new Mutator(random, target.Seeds);
            var clock = Stopwatch.StartNew();
            long inputs = 0;
            string? finding = null;
            foreach (var sample in target.Seeds)
            {
                finding ??= Try(target, sample, inputs++, artifacts, seed);
            }

            while (finding is null && clock.Elapsed < each)
            {
                finding = Try(target, mutator.Next(), inputs++, artifacts, seed);
            }

            if (finding is null)
            {
                passed++;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fuzz {target.Name}: {inputs} inputs in {clock.Elapsed.TotalSeconds:0.0} s, no finding"));
            }
            else
            {
                failed++;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fuzz {target.Name}: FINDING after {inputs} inputs: {finding}"));
            }
        }

        Console.WriteLine($"fuzz: {passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Runs one input; on a finding writes it to <paramref name="artifacts"/> and describes it.</summary>
    public static string? Try(FuzzTarget target, byte[] input, long index, string artifacts, int seed)
    {
        try
        {
            target.Run(input);
            return null;
        }
#pragma warning disable CA1031 // Catching everything is the point: any exception from a target is a finding.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Directory.CreateDirectory(artifacts);
            var path = Path.Combine(artifacts, string.Create(CultureInfo.InvariantCulture, $"{target.Name}-seed{seed}-input{index}.bin"));
            File.WriteAllBytes(path, input);
            // The first frames that are ours (the runtime's own helpers say little about where).
            var frame = string.Join(" < ", (ex.StackTrace ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Contains("Breakwater", StringComparison.Ordinal)).Take(3));
            return $"{ex.GetType().Name}: {ex.Message} {frame} (input: {input.Length} bytes in {path})";
        }
    }

    // string.GetHashCode is randomised per process: the seed must not be.
    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s)
        {
            h = unchecked((h * 31) + c);
        }

        return h;
    }
}
