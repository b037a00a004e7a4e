using System.Net.Http.Headers;
using System.Text;
using Breakwater.Anthropic;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests;

/// <summary>Shared builders for simulator tests.</summary>
internal static class TestKit
{
    public const string Key = "sk-ant-test-key";
    public const string Sonnet = "claude-sonnet-4-5";

    public static readonly Uri BaseUri = new("http://127.0.0.1/");

    /// <summary>A one-model scenario with a constant service time, so timing is exact.</summary>
    public static Scenario Tiny(int slots = 2, double serviceSeconds = 10, double queueSeconds = 45, params ScenarioIncident[] incidents) => new()
    {
        Name = "tiny",
        RunSeconds = 600,
        QueueSeconds = queueSeconds,
        Models = [new ScenarioModel { Name = Sonnet, Family = "sonnet", MatchPrefixes = ["claude-sonnet-"], Slots = slots, ServiceMeanSeconds = serviceSeconds, ServiceSigma = 0 }],
        Incidents = incidents,
    };

    public static (Simulator Sim, VirtualTimeProvider Clock, HttpMessageInvoker Invoker) Virtual(Scenario? scenario = null, int seed = 1)
    {
        var clock = new VirtualTimeProvider();
        var sim = new Simulator(new SimulatorOptions { Scenario = scenario ?? Tiny(), Seed = seed, TimeProvider = clock });
        return (sim, clock, new HttpMessageInvoker(sim.CreateHandler()));
    }

    public static HttpRequestMessage Messages(string model = Sonnet, bool stream = false, int maxTokens = 100, string? key = Key, bool bearer = false, string? version = "2023-06-01", string? body = null, int retryCount = -1)
    {
        body ??= $$"""{"model":"{{model}}","max_tokens":{{maxTokens}},"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Hello"}]}""";
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUri, "v1/messages"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            if (bearer)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
            else
            {
                request.Headers.Add("x-api-key", key);
            }
        }

        if (version is not null)
        {
            request.Headers.Add("anthropic-version", version);
        }

        if (retryCount >= 0)
        {
            request.Headers.Add("x-stainless-retry-count", retryCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return request;
    }

    public static HttpRequestMessage Get(string path) => new(HttpMethod.Get, new Uri(BaseUri, path.TrimStart('/')));

    public static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var v) ? v.First() : response.Content.Headers.TryGetValues(name, out var c) ? c.First() : null;

    /// <summary>Reads a body that is already complete (in virtual time, after the clock ran) without blocking.</summary>
    public static string ReadCompleted(HttpResponseMessage response)
    {
        var task = response.Content.ReadAsStringAsync();
        Assert.True(task.IsCompleted, "the body should be complete once the clock has run");
        return task.Result;
    }

    public static List<SseEvent> ParseSse(string body)
    {
        var reader = new SseReader();
        var events = new List<SseEvent>();
        reader.Feed(Encoding.UTF8.GetBytes(body), events);
        return events;
    }

    /// <summary>The result of a task that the virtual clock has already completed (never blocks).</summary>
    public static T Done<T>(Task<T> task)
    {
        Assert.True(task.IsCompleted, "the task should have completed on the virtual clock");
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Cancels like a clock-driven timeout would: on a thread without SynchronizationContext, so the
    /// continuations run inline (a test framework's context would send them to the thread pool).</summary>
    public static void CancelInline(CancellationTokenSource cts)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            cts.Cancel();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    /// <summary>Runs the clock in steps until the task completes (bounded).</summary>
    public static T Run<T>(VirtualTimeProvider clock, Task<T> task, double maxSeconds = 3600)
    {
        for (var i = 0; i < maxSeconds && !task.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.True(task.IsCompleted, "the request should complete within the bounded virtual run");
        return task.GetAwaiter().GetResult();
    }
}
