using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Breakwater.Bench.Overhead;

/// <summary>Runs wrk (one thread, a Lua script for the POST body and the Anthropic headers) and reads its summary.</summary>
internal static partial class Wrk
{
    /// <summary>Writes the Lua script for one path: body, API headers, and any extra headers (Portkey's routing headers).</summary>
    public static string WriteScript(string directory, string name, string body, IReadOnlyDictionary<string, string> extraHeaders)
    {
        var sb = new StringBuilder();
        sb.Append("wrk.method = \"POST\"\n");
        sb.Append("wrk.body = ").Append(Lua(body)).Append('\n');
        sb.Append("wrk.headers[\"content-type\"] = \"application/json\"\n");
        sb.Append("wrk.headers[\"x-api-key\"] = ").Append(Lua(Payloads.ApiKey)).Append('\n');
        sb.Append("wrk.headers[\"anthropic-version\"] = ").Append(Lua(Payloads.AnthropicVersion)).Append('\n');
        foreach (var (key, value) in extraHeaders)
        {
            sb.Append("wrk.headers[").Append(Lua(key)).Append("] = ").Append(Lua(value)).Append('\n');
        }

        var path = Path.Combine(directory, name + ".lua");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    public static async Task<WrkResult> RunAsync(Uri url, string script, int connections, TimeSpan duration)
    {
        var info = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
                 {
                     "-t1", "-c" + connections.ToString(CultureInfo.InvariantCulture),
                     "-d" + ((int)Math.Ceiling(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s",
                     "--timeout", "10s", "--latency", "-s", script, new Uri(url, "v1/messages").ToString(),
                 })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("wrk did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(duration + TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("wrk did not finish in time.");
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed ({process.ExitCode}): {output}\n{await stderr}");
        }

        return Parse(output, connections);
    }

    internal static WrkResult Parse(string output, int connections)
    {
        var rps = Number(RpsPattern().Match(output), 1);
        var requests = (long)Number(RequestsPattern().Match(output), 1);
        var non2xx = (long)Number(Non2xxPattern().Match(output), 1);
        var socket = SocketErrorsPattern().Match(output);
        long socketErrors = 0;
        if (socket.Success)
        {
            for (var g = 1; g <= 4; g++)
            {
                socketErrors += long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture);
            }
        }

        return new WrkResult(connections, rps, Percentile(output, "50%"), Percentile(output, "99%"), requests, non2xx, socketErrors);
    }

    private static double Percentile(string output, string label)
    {
        var m = Regex.Match(output, "^\\s*" + Regex.Escape(label) + "\\s+([0-9.]+)(us|ms|s|m)\\s*$", RegexOptions.Multiline);
        if (!m.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            _ => value * 60_000,
        };
    }

    private static double Number(Match m, int group) =>
        m.Success ? double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture) : 0;

    private static string Lua(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"^Requests/sec:\s+([0-9.]+)", RegexOptions.Multiline)]
    private static partial Regex RpsPattern();

    [GeneratedRegex(@"^\s*([0-9]+) requests in", RegexOptions.Multiline)]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+([0-9]+)")]
    private static partial Regex Non2xxPattern();

    [GeneratedRegex(@"Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)")]
    private static partial Regex SocketErrorsPattern();
}
