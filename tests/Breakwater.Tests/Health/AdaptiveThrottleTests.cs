using Breakwater.Health;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Health;

public sealed class AdaptiveThrottleTests
{
    private static (AdaptiveThrottle Throttle, FakeTimeProvider Time) CreateSut(double k = 2, int minimumRequests = 20, bool enabled = true)
    {
        var time = new ObservableTimeProvider();
        var options = new ThrottleOptions { K = k, MinimumRequests = minimumRequests, Window = TimeSpan.FromSeconds(60), Enabled = enabled };
        return (new AdaptiveThrottle(options, time), time);
    }

    private static void Record(AdaptiveThrottle sut, int rejected, int accepted)
    {
        for (var i = 0; i < rejected; i++)
        {
            sut.Record(accepted: false);
        }

        for (var i = 0; i < accepted; i++)
        {
            sut.Record(accepted: true);
        }
    }

    private static double Sre(double requests, double accepts, double k = 2) => Math.Max(0, (requests - (k * accepts)) / (requests + 1));

    [Theory]
    [InlineData(100, 0)]
    [InlineData(90, 10)]
    [InlineData(50, 50)]
    [InlineData(20, 10)]
    [InlineData(20, 0)]
    [InlineData(1000, 0)]
    [InlineData(25, 5)]
    public void RejectProbability_AfterAStorm_IsTheSreFormulaExactly(int overloaded, int accepted)
    {
        var (sut, _) = CreateSut();

        Record(sut, overloaded, accepted);

        Assert.Equal(Sre(overloaded + accepted, accepted), sut.RejectProbability, 12);
    }

    [Fact]
    public void RejectProbability_SustainedStorm_ApproachesOne()
    {
        var (sut, _) = CreateSut();

        Record(sut, 1000, 0);

        Assert.Equal(1000.0 / 1001, sut.RejectProbability, 12);
    }

    [Theory]
    [InlineData(1.0, 100, 40, 60.0 / 101)]
    [InlineData(3.0, 100, 40, 0)]
    [InlineData(1.5, 100, 40, 40.0 / 101)]
    public void RejectProbability_K_ScalesTheAccepts(double k, int requests, int accepts, double expected)
    {
        var (sut, _) = CreateSut(k: k);

        Record(sut, requests - accepts, accepts);

        Assert.Equal(expected, sut.RejectProbability, 12);
    }

    [Fact]
    public void ShouldReject_BelowMinimumRequests_NeverRejects()
    {
        var (sut, _) = CreateSut(minimumRequests: 20);
        Record(sut, 19, 0);

        Assert.Equal(0, sut.RejectProbability);
        Assert.False(sut.ShouldReject(0));
        Assert.False(sut.ShouldReject(0));
    }

    [Fact]
    public void ShouldReject_DrawBelowProbability_RejectsAndCountsTheRejectionAsARequest()
    {
        var (sut, _) = CreateSut();
        Record(sut, 20, 0);
        Assert.Equal(20.0 / 21, sut.RejectProbability, 12);

        Assert.True(sut.ShouldReject(0.95));

        Assert.Equal(21.0 / 22, sut.RejectProbability, 12);
    }

    [Fact]
    public void ShouldReject_DrawAtOrAboveProbability_LetsTheCallThroughUncounted()
    {
        var (sut, _) = CreateSut();
        Record(sut, 20, 0);

        Assert.False(sut.ShouldReject(20.0 / 21));
        Assert.False(sut.ShouldReject(0.99));

        Assert.Equal(20.0 / 21, sut.RejectProbability, 12);
    }

    [Fact]
    public void ShouldReject_Disabled_NeverRejects()
    {
        var (sut, _) = CreateSut(enabled: false);
        Record(sut, 100, 0);

        Assert.False(sut.ShouldReject(0));
    }

    [Fact]
    public void RejectProbability_UpstreamRecovers_FallsToZeroOnceAcceptsAreHalfTheRequests()
    {
        var (sut, _) = CreateSut();
        Record(sut, 30, 0);

        var seen = new List<double>();
        for (var s = 1; s <= 30; s++)
        {
            sut.Record(accepted: true);
            seen.Add(sut.RejectProbability);
        }

        // (30 + s − 2s) / (31 + s): strictly falling, 0 at s = 30.
        Assert.Equal(Enumerable.Range(1, 30).Select(s => Sre(30 + s, s)), seen, new ToleranceComparer(1e-12));
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second < p.First || p.Second == 0));
        Assert.Equal(0, seen[^1]);
    }

    [Fact]
    public void RejectProbability_WindowPasses_ForgetsTheStorm()
    {
        var (sut, time) = CreateSut();
        Record(sut, 30, 0);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(30.0 / 31, sut.RejectProbability, 12);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, sut.RejectProbability);
        Assert.False(sut.ShouldReject(0));
    }

    [Fact]
    public void RejectProbability_SlidingWindow_DropsOnlyTheOldestBuckets()
    {
        var (sut, time) = CreateSut();
        Record(sut, 20, 0);
        time.Advance(TimeSpan.FromSeconds(30));
        Record(sut, 20, 0);

        // 60 s after the first 20 (in 6 s buckets) only the second 20 are left.
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(20.0 / 21, sut.RejectProbability, 12);

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, sut.RejectProbability);
    }

    [Fact]
    public void RejectProbability_LongIdleThenStorm_CountsOnlyTheNewStorm()
    {
        var (sut, time) = CreateSut();
        Record(sut, 50, 0);
        time.Advance(TimeSpan.FromHours(5));

        Record(sut, 20, 0);

        Assert.Equal(20.0 / 21, sut.RejectProbability, 12);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
