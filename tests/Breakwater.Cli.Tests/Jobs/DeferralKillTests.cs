using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Breakwater.Cli.Tests.Jobs;

/// <summary>
/// Nothing lost: the gateway (<c>dotnet Breakwater.Cli.dll serve</c>) is killed with SIGKILL while deferred jobs are
/// queued and one in flight, then started again on the same database; every accepted job completes with one final result.
/// The job in flight at the kill is the documented case that may reach the upstream twice.
/// </summary>
[Collection(KillTestCollection.Name)]
public sealed partial class DeferralKillTests : IDisposable
{
    private const int Jobs = 6;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bw-defer-kill", Guid.NewGuid().ToString("N"));
    private readonly List<Process> _children = [];

    [Fact]
    public async Task Serve_KilledWithJobsQueuedAndInFlight_EveryAcceptedJobCompletesAfterRestart()
    {
        await using var upstream = await KillTestUpstream.StartAsync();

        var first = await StartGatewayAsync(upstream.BaseUrl);
        using var client = new HttpClient { BaseAddress = first.Address, Timeout = TimeSpan.FromSeconds(60) };
        var ids = new List<string>();
        for (var i = 0; i < Jobs; i++)
        {
            using var acceptedRequest = Post(i);
            using var accepted = await client.SendAsync(acceptedRequest);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            ids.Add(JsonDocument.Parse(await accepted.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
        }

        // One job in flight: the worker's next poll sends one to an upstream that never answers.
        upstream.Mode = KillTestUpstream.Hang;
        var inFlightBody = await upstream.Hung.Task.WaitAsync(TimeSpan.FromSeconds(60));
        first.Process.Kill(entireProcessTree: true);
        await first.Process.WaitForExitAsync();
        upstream.Mode = KillTestUpstream.Healthy;

        var second = await StartGatewayAsync(upstream.BaseUrl);
        using var client2 = new HttpClient { BaseAddress = second.Address, Timeout = TimeSpan.FromSeconds(60) };
        var results = new Dictionary<string, (HttpStatusCode Status, string State, string Body)>();

        // Bounded: the worker polls every 100 ms; 600 rounds of 100 ms is a minute, far more than it needs.
        for (var round = 0; round < 600 && results.Count < Jobs; round++)
        {
            foreach (var id in ids.Where(id => !results.ContainsKey(id)))
            {
                using var request2 = Get(id);
                using var response = await client2.SendAsync(request2);
                var state = response.Headers.TryGetValues("breakwater-job-state", out var v) ? v.Single() : "?";
                if (state is "succeeded" or "failed" or "expired")
                {
                    results[id] = (response.StatusCode, state, await response.Content.ReadAsStringAsync());
                }
            }

            await Task.Delay(100);
        }

        Assert.Equal(Jobs, results.Count);
        Assert.All(results.Values, r => Assert.Equal(("succeeded", HttpStatusCode.OK), (r.State, r.Status)));
        foreach (var id in ids)
        {
            using var request = Get(id);
            using var again = await client2.SendAsync(request);
            Assert.Equal(results[id].Body, await again.Content.ReadAsStringAsync());
        }

        // Every job was answered upstream exactly once; the one in flight at the kill had reached it once before.
        var answered = upstream.Answered.ToList();
        Assert.Equal(Jobs, answered.Count);
        for (var i = 0; i < Jobs; i++)
        {
            Assert.Single(answered, b => b.Contains($"job number {i}.", StringComparison.Ordinal));
        }

        Assert.Contains("job number", inFlightBody, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Post(int i)
    {
        var body = $$"""{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[{"role":"user","content":"job number {{i}}."}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("x-api-key", "sk-ant-kill-test");
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        request.Headers.TryAddWithoutValidation("breakwater-defer", "1h");
        return request;
    }

    private static HttpRequestMessage Get(string id)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/breakwater/jobs/" + id);
        request.Headers.TryAddWithoutValidation("x-api-key", "sk-ant-kill-test");
        return request;
    }

    private async Task<(Process Process, Uri Address)> StartGatewayAsync(string upstream)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Breakwater.Cli.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        foreach (var arg in new[] { cli, "serve", "--port", "0", "--listen", "127.0.0.1", "--upstream", upstream })
        {
            info.ArgumentList.Add(arg);
        }

        Directory.CreateDirectory(_dir);
        var env = info.Environment;
        env["BREAKWATER__Breakwater__Deferral__Path"] = Path.Combine(_dir, "jobs.db");
        env["BREAKWATER__Breakwater__Deferral__PollInterval"] = "00:00:00.100";
        env["BREAKWATER__Breakwater__Deferral__QuietPeriod"] = "00:00:00";
        env["BREAKWATER__Breakwater__Journal__Path"] = Path.Combine(_dir, "journal.db");
        env["BREAKWATER__Breakwater__StatusPage__Enabled"] = "false";
        env["BREAKWATER__Breakwater__CircuitBreaker__Enabled"] = "false";
        env["BREAKWATER__Breakwater__Throttle__Enabled"] = "false";
        env["BREAKWATER__Breakwater__Retry__Overloaded__BaseDelay"] = "00:00:00";
        env["BREAKWATER__Breakwater__Retry__Overloaded__MaxDelay"] = "00:00:00";
        env["BREAKWATER__Breakwater__Fallback__SameModelRetries"] = "0";

        var process = Process.Start(info)!;
        _children.Add(process);
        _ = process.StandardError.ReadToEndAsync();

        // Bounded: the gateway prints its address once started, or the process ends.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (ListeningLine().Match(line) is { Success: true } match)
            {
                _ = DrainAsync(process.StandardOutput);
                return (process, new Uri(match.Groups[1].Value));
            }
        }

        throw new InvalidOperationException("The gateway ended before it listened.");
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is not null)
            {
            }
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    public void Dispose()
    {
        foreach (var p in _children)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
