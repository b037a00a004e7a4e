namespace Breakwater.Bench.Servers;

/// <summary>The few <c>--name value</c> flags the child servers take.</summary>
internal static class ChildArgs
{
    public static string? Get(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    public static string Require(string[] args, string name) =>
        Get(args, name) ?? throw new ArgumentException($"{name} is required.");

    /// <summary>
    /// Announces the address on stdout (the parent waits for this line) and runs until stdin closes, so a child never
    /// outlives the benchmark that started it, even when that one is killed.
    /// </summary>
    public static async Task AnnounceAndWaitAsync(Uri address)
    {
        Console.Out.WriteLine("LISTENING " + address);
        Console.Out.Flush();
        await Task.Run(() =>
        {
            while (Console.In.ReadLine() is not null)
            {
            }
        });
    }
}
