using System.Text;
using Breakwater.Simulator.Background;
using Breakwater.Simulator.Capacity;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Scripting;
using Breakwater.Simulator.Stats;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator;

/// <summary>
/// The one simulator core: an Anthropic-compatible upstream that overloads on cue. Serve it in-process with
/// <see cref="CreateHandler"/> (real or virtual time) or over HTTP with <see cref="SimulatorServer"/>; both go through
/// the same request handling. Thread-safe; in virtual time everything runs on the thread driving the clock.
/// </summary>
public sealed partial class Simulator : IDisposable
{
    /// <summary>The Messages API's request size limit (32 MB); larger bodies get 413 request_too_large.</summary>
    public const int MaxBodyBytes = 32 * 1024 * 1024;

    private readonly Lock _switchLock = new();
    private readonly Random _seeds;
    private readonly SimulatorStats _stats = new();
    private readonly ScriptBook _script = new();
    private CapacityModel _capacity;
    private BackgroundLoad? _background;

    /// <summary>Creates a simulator; see <see cref="SimulatorOptions"/> for the defaults.</summary>
    public Simulator(SimulatorOptions? options = null)
    {
        options ??= new SimulatorOptions();
        if (!(options.TimeScale > 0) || double.IsInfinity(options.TimeScale))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TimeScale, "TimeScale must be a positive finite number.");
        }

        TimeScale = options.TimeScale;
        TimeProvider = options.TimeProvider ?? (options.TimeScale == 1 ? TimeProvider.System : new ScaledTimeProvider(options.TimeScale));
        Seed = options.Seed;
        _seeds = new Random(options.Seed);
        _capacity = new CapacityModel(options.Scenario ?? ScenarioCatalog.Get("steady"), TimeProvider, new Random(_seeds.Next()));
        BackgroundLoadEnabled = options.BackgroundLoad;
        if (BackgroundLoadEnabled)
        {
            _background = new BackgroundLoad(_capacity, new Random(_seeds.Next()));
        }
    }

    /// <summary>Whether the simulator plays the scenario's offered load itself (see <see cref="SimulatorOptions.BackgroundLoad"/>).</summary>
    public bool BackgroundLoadEnabled { get; }

    /// <summary>The clock every delay and timestamp comes from.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Scenario seconds per wall-clock second (1 unless configured).</summary>
    public double TimeScale { get; }

    /// <summary>The seed given at construction.</summary>
    public int Seed { get; }

    /// <summary>The scenario being played.</summary>
    public Scenario Scenario => Capacity.Scenario;

    /// <summary>When the current scenario started (scenario time zero).</summary>
    public DateTimeOffset ScenarioStart => Capacity.Origin;

    /// <summary>Scenario time elapsed.</summary>
    public TimeSpan ScenarioElapsed => TimeProvider.GetUtcNow() - ScenarioStart;

    /// <summary>Scripted responses not yet served.</summary>
    public int PendingScriptedResponses => _script.Count;

    internal CapacityModel Capacity => Volatile.Read(ref _capacity);

    internal SimulatorStats Stats => _stats;

    /// <summary>The background callers' counts since the current scenario started; <c>null</c> when background load is off.</summary>
    internal IReadOnlyList<BackgroundCounts>? BackgroundCounts => Volatile.Read(ref _background)?.Counts();

    /// <summary>An <see cref="HttpMessageHandler"/> serving the Anthropic endpoints from this simulator, in-process.</summary>
    public SimulatedUpstream CreateHandler() => new(this);

    /// <summary>Starts <paramref name="scenario"/> now (scenario time restarts at zero; work in flight finishes as it was).</summary>
    public void SwitchScenario(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        CapacityModel old;
        BackgroundLoad? oldBackground;
        lock (_switchLock)
        {
            old = _capacity;
            oldBackground = _background;
            #pragma warning disable CA2000 // Ownership moves to _capacity / _background (published with Volatile.Write); the next switch or Dispose disposes them.
            var capacity = new CapacityModel(scenario, TimeProvider, new Random(_seeds.Next()));
            Volatile.Write(ref _capacity, capacity);
            if (BackgroundLoadEnabled)
            {
                Volatile.Write(ref _background, new BackgroundLoad(capacity, new Random(_seeds.Next())));
            }
            #pragma warning restore CA2000
        }

        oldBackground?.Dispose();
        old.Dispose();
        ScenarioStarted?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Raised after <see cref="SwitchScenario"/> started a new scenario (scenario time restarted at zero).</summary>
    public event EventHandler? ScenarioStarted;

    /// <summary>Queues canned responses, served in order to the next matching requests before the capacity model.</summary>
    public void Script(IEnumerable<ScriptedResponse> responses)
    {
        ArgumentNullException.ThrowIfNull(responses);
        _script.Add(responses);
    }

    /// <summary>Drops every scripted response not yet served.</summary>
    public void ClearScript() => _script.Clear();

    /// <summary>The stats document of <c>GET /simulator/stats</c>: counts by model, status and attempt number.</summary>
    public string GetStatsJson() => Encoding.UTF8.GetString(_stats.ToJson(Scenario.Name, BackgroundCounts));

    /// <summary>Stops the scenario's timers and the background load.</summary>
    public void Dispose()
    {
        _background?.Dispose();
        _capacity.Dispose();
    }
}
