using System.Text.Json;
using Breakwater.State;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Breakwater.Tests.Health;

/// <summary>
/// A BreakwaterHandler over a scripted upstream on fake time, with a log collector, an incident sink and a metric
/// collector filtered to this handler's unique client name (the meter is static and tests run in parallel).
/// </summary>
internal sealed class HealthSut : IDisposable
{
    public const string Opus = "claude-opus-4-6";
    public const string Sonnet = "claude-sonnet-4-6";
    public const string Haiku = "claude-haiku-4-5";

    private readonly MetricCollector<long> _fallbacks;
    private readonly MetricCollector<long> _giveUps;
    private readonly ILoggerFactory _loggerFactory;
    private readonly List<HttpRequestMessage> _defaultRequests = [];

    private HealthSut(Func<int, HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> script, Action<BreakwaterOptions>? configure, double unit)
    {
        Time = new ObservableTimeProvider();
        Upstream = new ScriptedHandler(Time, script);
        Logs = new FakeLogCollector();
        Random = new SettableRandom(unit);
        Options = new BreakwaterOptions { Name = "health-" + Guid.NewGuid().ToString("N") };
        configure?.Invoke(Options);
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug));
        Handler = new BreakwaterHandler(Options, Time, Random, _loggerFactory, Sink) { InnerHandler = Upstream };
        Invoker = new HttpMessageInvoker(Handler);
        _fallbacks = new MetricCollector<long>(Handler.Pipeline.Client.Metrics.Fallbacks);
        _giveUps = new MetricCollector<long>(Handler.Pipeline.Client.Metrics.GiveUps);
    }

    public ObservableTimeProvider Time { get; }

    public ScriptedHandler Upstream { get; }

    public FakeLogCollector Logs { get; }

    public SettableRandom Random { get; }

    public CollectingSink Sink { get; } = new();

    public BreakwaterOptions Options { get; }

    public BreakwaterHandler Handler { get; }

    public HttpMessageInvoker Invoker { get; }

    public ClientState Client => Handler.Pipeline.Client;

    /// <summary>Answers each attempt by its number and the model its body names.</summary>
    public static HealthSut Create(Func<int, string, HttpResponseMessage> byModel, Action<BreakwaterOptions>? configure = null, double unit = 0) =>
        new(async (n, request, ct) => byModel(n, ModelOf(request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(ct))), configure, unit);

    public static HealthSut Create(Func<int, HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> script, Action<BreakwaterOptions>? configure = null, double unit = 0) =>
        new(script, configure, unit);

    /// <summary>Sends and drives fake time until the call completes (bounded).</summary>
    public Task<HttpResponseMessage> Send(HttpRequestMessage? request = null, int stepMs = 5) =>
        TimeLoop.Run(Time, Invoker.SendAsync(request ?? DefaultRequest(), CancellationToken.None), TimeSpan.FromMilliseconds(stepMs));

    /// <summary>Starts a call without driving time.</summary>
    public Task<HttpResponseMessage> Start(HttpRequestMessage? request = null, CancellationToken cancellationToken = default) =>
        Invoker.SendAsync(request ?? DefaultRequest(), cancellationToken);

    /// <summary>A request this fixture owns (disposed with it), for calls that bring none.</summary>
    private HttpRequestMessage DefaultRequest()
    {
        var request = Request();
        _defaultRequests.Add(request);
        return request;
    }

    public ModelState Model(string model) => Client.Model(model);

    /// <summary>
    /// Runs a test body off xunit's synchronization context. Under that context a completed TaskCompletionSource (a
    /// held response, a limiter grant, a fake timer) queues its continuations to the pool instead of running them
    /// inline, so "complete response 0, then call 2 has arrived" would race; off it, every step is synchronous.
    /// </summary>
    public static Task WithoutContext(Func<Task> body) => Task.Run(body);

    /// <summary>The top-level model of every body the upstream saw, in order.</summary>
    public string[] ModelsSeen() => Upstream.Requests.Select(r => ModelOf(r.Body)).ToArray();

    public int SeenFor(string model) => ModelsSeen().Count(m => m == model);

    public IReadOnlyList<CollectedMeasurement<long>> Fallbacks => Mine(_fallbacks);

    public IReadOnlyList<CollectedMeasurement<long>> GiveUps => Mine(_giveUps);

    public static HttpRequestMessage Request(string model = Opus, bool stream = false, string? key = null)
    {
        var request = Api.Request(stream, model);
        if (key is not null)
        {
            request.Headers.Remove("x-api-key");
            request.Headers.TryAddWithoutValidation("x-api-key", key);
        }

        return request;
    }

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : "";

    public static string ModelOf(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString() ?? ""
                : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        Invoker.Dispose();
        _fallbacks.Dispose();
        _giveUps.Dispose();
        _loggerFactory.Dispose();
        foreach (var request in _defaultRequests)
        {
            request.Dispose();
        }
    }

    private CollectedMeasurement<long>[] Mine(MetricCollector<long> collector) =>
        collector.GetMeasurementSnapshot().Where(m => m.Tags.TryGetValue("client", out var c) && Equals(c, Options.Name)).ToArray();
}
