using Breakwater.Simulator.Progress;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Simulator.Tests.Progress;

/// <summary>The progress lines of <c>breakwater simulate</c>, driven by a virtual scenario clock and a fake wall clock.</summary>
public sealed class ProgressLinesTests
{
    private static readonly DateTimeOffset WallStart = new(2025, 3, 1, 10, 42, 12, TimeSpan.Zero);

    private sealed class Harness : IDisposable
    {
        private readonly VirtualTimeProvider _clock = new();
        private readonly FakeTimeProvider _wall = new(WallStart);
        private readonly ProgressLines _sut;

        public Harness(Scenario scenario, bool background = false, double timeScale = 10)
        {
            TimeScale = timeScale;
            Simulator = new Simulator(new SimulatorOptions { Scenario = scenario, TimeProvider = _clock, BackgroundLoad = background });
            _sut = new ProgressLines(Simulator, _wall, Lines.Add);
        }

        public double TimeScale { get; }

        public Simulator Simulator { get; }

        public List<string> Lines { get; } = [];

        /// <summary>Moves scenario time second by second, the wall clock by 1 / scale each step, as a scaled clock would.</summary>
        public void Run(int scenarioSeconds)
        {
            for (var i = 0; i < scenarioSeconds; i++)
            {
                _wall.Advance(TimeSpan.FromSeconds(1 / TimeScale));
                _clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        public void Dispose()
        {
            _sut.Dispose();
            Simulator.Dispose();
        }
    }

    [Fact]
    public void FlashStorm_OneLinePerMilestone_WithScenarioAndWallTime()
    {
        using var sut = new Harness(ScenarioCatalog.Get("flash-storm"));

        sut.Run(299);
        Assert.Equal(["[t=+00:00 | 10:42:12] scenario started: flash-storm"], sut.Lines);

        sut.Run(1);
        Assert.Equal("[t=+05:00 | 10:42:42] incident started: Elevated errors on Claude Sonnet; claude-sonnet-4-5 capacity 120 → 24 slots", sut.Lines[^1]);

        sut.Run(1300);
        Assert.Equal(
            [
                "[t=+00:00 | 10:42:12] scenario started: flash-storm",
                "[t=+05:00 | 10:42:42] incident started: Elevated errors on Claude Sonnet; claude-sonnet-4-5 capacity 120 → 24 slots",
                "[t=+05:30 | 10:42:45] incident ended: Elevated errors on Claude Sonnet; claude-sonnet-4-5 capacity 24 → 120 slots",
                "[t=+10:00 | 10:43:12] status page posted: Elevated errors on Claude Sonnet (investigating)",
                "[t=+15:00 | 10:43:42] run length reached: the upstream keeps its last state",
                "[t=+20:00 | 10:44:12] status page resolved: Elevated errors on Claude Sonnet",
            ],
            sut.Lines);
    }

    [Fact]
    public void SwitchScenario_RestartsTheTimeline()
    {
        using var sut = new Harness(ScenarioCatalog.Get("flash-storm"), timeScale: 1);
        sut.Run(100);

        sut.Simulator.SwitchScenario(ScenarioCatalog.Get("opus-outage"));
        sut.Run(700);

        Assert.Equal(
            [
                "[t=+00:00 | 10:42:12] scenario started: flash-storm",
                "[t=+00:00 | 10:43:52] scenario started: opus-outage",
                "[t=+10:00 | 10:53:52] incident started: Claude Opus unavailable for most requests; claude-opus-4-1 capacity 40 → 2 slots",
            ],
            sut.Lines);
    }

    [Fact]
    public void Dispose_StopsTheLines()
    {
        var sut = new Harness(ScenarioCatalog.Get("flash-storm"));
        sut.Run(10);
        sut.Dispose();

        sut.Run(400);

        Assert.Single(sut.Lines);
    }

    [Theory]
    [InlineData(0, "[t=+00:00 | 10:42:12] x")]
    [InlineData(90.7, "[t=+01:30 | 10:42:12] x")]
    [InlineData(3723, "[t=+1:02:03 | 10:42:12] x")]
    public void Format_ScenarioTimeThenWallTime(double seconds, string expected)
        => Assert.Equal(expected, ProgressLines.Format(seconds, WallStart, "x"));

    [Fact]
    public void Timeline_Metastable_LoadChangesOnlyWithBackgroundLoad()
    {
        var scenario = ScenarioCatalog.Get("metastable");

        var with = ScenarioTimeline.Of(scenario, backgroundLoad: true);
        var without = ScenarioTimeline.Of(scenario, backgroundLoad: false);

        Assert.Contains(new ScenarioMilestone(1200, "background load changed: claude-sonnet-4-5 9.6 → 2.4 requests/s"), with);
        Assert.Contains(new ScenarioMilestone(1500, "background load changed: claude-sonnet-4-5 2.4 → 9.6 requests/s"), with);
        Assert.DoesNotContain(without, m => m.Text.StartsWith("background load", StringComparison.Ordinal));
        Assert.Contains(new ScenarioMilestone(120, "incident started: Elevated errors on Claude Sonnet; claude-sonnet-4-5 capacity 120 → 30 slots"), without);
        Assert.Equal(with.Select(m => m.AtSeconds).Order(), with.Select(m => m.AtSeconds));
    }

    [Fact]
    public void Timeline_MidStreamAndMasked_HaveTheirWindows()
    {
        var midstream = ScenarioTimeline.Of(ScenarioCatalog.Get("midstream-overload"), backgroundLoad: false);
        var masked = ScenarioTimeline.Of(ScenarioCatalog.Get("masked-gateway"), backgroundLoad: false);

        Assert.Contains(new ScenarioMilestone(300, "mid-stream failures started: 15 % of streams fail after HTTP 200"), midstream);
        Assert.Contains(new ScenarioMilestone(1500, "mid-stream failures ended"), midstream);
        Assert.Contains(masked, m => m.Text == "masked errors started: 50 % of 529s arrive as HTML 503 pages");
    }

    [Fact]
    public void Timeline_OverlappingIncidents_ShowTheNetCapacity()
    {
        var scenario = TestKit.Tiny(
            slots: 100,
            serviceSeconds: 1,
            incidents:
            [
                new ScenarioIncident { Model = "all", StartSeconds = 10, EndSeconds = 50, Capacity = 0.5, Title = "A" },
                new ScenarioIncident { Model = "sonnet", StartSeconds = 20, EndSeconds = 30, Capacity = 0.5, Title = "B" },
            ]);

        var texts = ScenarioTimeline.Of(scenario, backgroundLoad: false).Where(m => m.Text.StartsWith("incident", StringComparison.Ordinal)).ToList();

        Assert.Equal(
            [
                new ScenarioMilestone(10, "incident started: A; claude-sonnet-4-5 capacity 100 → 50 slots"),
                new ScenarioMilestone(20, "incident started: B; claude-sonnet-4-5 capacity 50 → 25 slots"),
                new ScenarioMilestone(30, "incident ended: B; claude-sonnet-4-5 capacity 25 → 50 slots"),
                new ScenarioMilestone(50, "incident ended: A; claude-sonnet-4-5 capacity 50 → 100 slots"),
            ],
            texts);
    }
}
