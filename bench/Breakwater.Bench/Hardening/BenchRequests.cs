using System.Globalization;
using System.Text;
using Breakwater.Bench.Overhead;

namespace Breakwater.Bench.Hardening;

/// <summary>The Messages requests of the open-streams and soak runs: each body distinct (as real traffic is), one model.</summary>
internal static class BenchRequests
{
    /// <summary>How the runs write their JSON (NaN allowed: a run where nothing got through has no quantiles).</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static HttpRequestMessage Create(Uri gateway, bool stream, long n)
    {
        var body = string.Create(CultureInfo.InvariantCulture,
            $$"""{"model":"claude-sonnet-4-5","max_tokens":64,{{(stream ? "\"stream\":true," : "")}}"messages":[{"role":"user","content":"Request {{n}}: say hello in one word."}]}""");
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "v1/messages")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("x-api-key", Payloads.ApiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", Payloads.AnthropicVersion);
        return request;
    }

    /// <summary>The value at quantile <paramref name="q"/> of sorted <paramref name="sorted"/> (NaN when empty).</summary>
    public static double Quantile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(q * sorted.Count))];

    /// <summary>The gateway to measure: this build's (serve-gateway) or another build's, given as a command line.</summary>
    public static async Task<(ChildProcess Child, Uri Address)> StartGatewayAsync(Uri upstream, string? command, string? config)
    {
        var extra = new List<string> { "--upstream", upstream.ToString() };
        if (config is not null)
        {
            extra.AddRange(["--config", config]);
        }

        if (command is null)
        {
            return await ChildProcess.StartSelfAsync("gateway", ["serve-gateway", .. extra]);
        }

        var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var child = ChildProcess.Start("gateway", parts[0], [.. parts[1..], "serve-gateway", .. extra]);
        return (child, await child.ListeningAsync(TimeSpan.FromSeconds(60)));
    }
}
