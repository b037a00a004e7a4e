using System.Diagnostics;
using System.Text;

namespace Breakwater.Gateway.Tests.Clients;

/// <summary>
/// Finds and runs the real clients under tests/clients (node, npm packages installed by <c>.ci/install-deps</c>) and
/// Debian's chromium. Missing tools fail the test under CI (<c>CI=true</c>) and skip it elsewhere, with the reason.
/// </summary>
internal static class NodeTools
{
    public const string Chromium = "/usr/bin/chromium";

    public static string ClientsDirectory { get; } = FindClientsDirectory();

    public static string ClaudeCli => Path.Combine(ClientsDirectory, "node_modules", "@anthropic-ai", "claude-code", "bin", "claude.exe");

    /// <summary>Fails (CI) or skips (elsewhere) unless node and the named packages (and chromium, when asked) are present.</summary>
    public static void Require(bool chromium = false, params string[] packages)
    {
        var missing = new List<string>();
        if (FindOnPath("node") is null)
        {
            missing.Add("node on PATH");
        }

        foreach (var package in packages)
        {
            if (!Directory.Exists(Path.Combine(ClientsDirectory, "node_modules", package)))
            {
                missing.Add($"npm package {package} in {ClientsDirectory}/node_modules");
            }
        }

        if (packages.Contains("@anthropic-ai/claude-code") && !IsRealClaudeBinary())
        {
            missing.Add($"the Claude Code native binary at {ClaudeCli} (its postinstall did not run)");
        }

        if (chromium && !File.Exists(Chromium))
        {
            missing.Add(Chromium + " (Debian package chromium)");
        }

        if (missing.Count == 0)
        {
            return;
        }

        var message = "Missing: " + string.Join("; ", missing) + ". Run .ci/install-deps (npm ci in tests/clients, apt-get install chromium).";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(message);
        }

        Skip.If(true, message);
    }

    /// <summary>Runs a program to completion, killing its whole tree past <paramref name="timeout"/> (every run is bounded).</summary>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? ClientsDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only what the client needs: no inherited keys, proxies or base URLs from the machine running the tests.
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                {
                    stdout.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // Flush the asynchronous readers.
        process.WaitForExit();
        lock (stdout)
        {
            lock (stderr)
            {
                return new ProcessResult(timedOut ? -1 : process.ExitCode, stdout.ToString(), stderr.ToString(), timedOut);
            }
        }
    }

    /// <summary>The last line of output that parses as a JSON object (the scripts print exactly one).</summary>
    public static System.Text.Json.JsonElement LastJsonLine(ProcessResult result)
    {
        var line = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        Assert.True(line is not null, "The script printed no JSON result. " + result.Describe());
        using var json = System.Text.Json.JsonDocument.Parse(line!);
        return json.RootElement.Clone();
    }

    private static bool IsRealClaudeBinary()
    {
        // The npm package ships a small placeholder that its postinstall replaces with the native binary.
        var file = new FileInfo(ClaudeCli);
        return file.Exists && file.Length > 1_000_000;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static string FindClientsDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "clients");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "tests", "clients");
    }
}
