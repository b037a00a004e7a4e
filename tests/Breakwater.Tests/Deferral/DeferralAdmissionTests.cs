using Breakwater.Deferral;
using Breakwater.Health;

namespace Breakwater.Tests.Deferral;

public sealed class DeferralAdmissionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 14, 0, 0, TimeSpan.Zero);

    private static readonly DeferralAdmission Sut = new(new DeferralWorkerOptions { QuietPeriod = TimeSpan.FromMinutes(5), MaxLimitShare = 0.25 });

    private static ModelHealth Health(string breaker = "closed", int limit = 20, int inFlight = 0, int queued = 0, double throttle = 0) =>
        new("c", "m", breaker, limit, inFlight, queued, throttle);

    [Theory]
    [InlineData(20, 0, 5)]
    [InlineData(20, 4, 1)]
    [InlineData(20, 5, 0)]
    [InlineData(20, 9, 0)]
    [InlineData(1, 0, 1)]
    [InlineData(1, 1, 0)]
    public void Headroom_Healthy_ShareOfTheLimitLeftAfterLiveCalls(int limit, int inFlight, int expected)
    {
        Assert.Equal(expected, Sut.Headroom(Health(limit: limit, inFlight: inFlight), Now));
    }

    [Theory]
    [InlineData("open")]
    [InlineData("isolated")]
    public void Headroom_BreakerOpen_None(string breaker)
    {
        Assert.Equal(0, Sut.Headroom(Health(breaker), Now));
    }

    [Fact]
    public void Headroom_BreakOverAndNothingInFlight_OneJobAsTheProbe()
    {
        Assert.Equal(1, Sut.Headroom(Health("half-open", limit: 20), Now));

        // The probe (or a live call) is out: nothing more until it has closed the breaker.
        Assert.Equal(0, Sut.Headroom(Health("half-open", limit: 20, inFlight: 1), Now));
        Assert.Equal(0, Sut.Headroom(Health("half-open", limit: 20, queued: 1), Now));
    }

    [Fact]
    public void Headroom_ThrottlingOrLiveCallsQueued_None()
    {
        Assert.Equal(0, Sut.Headroom(Health(throttle: 0.01), Now));
        Assert.Equal(0, Sut.Headroom(Health(queued: 1), Now));
    }

    [Fact]
    public void Headroom_WithinQuietPeriodOfAnOverloadOrALimitWait_None()
    {
        Assert.Equal(0, Sut.Headroom(Health() with { LastOverloadAt = Now - TimeSpan.FromMinutes(4) }, Now));
        Assert.Equal(0, Sut.Headroom(Health() with { LastLimitWaitAt = Now - TimeSpan.FromMinutes(4) }, Now));
        Assert.Equal(5, Sut.Headroom(Health() with { LastOverloadAt = Now - TimeSpan.FromMinutes(5), LastLimitWaitAt = Now - TimeSpan.FromMinutes(6) }, Now));
    }

    [Fact]
    public void Room_ModelReportedByTwoClients_TightestDecides()
    {
        var room = Sut.Room([Health(limit: 20), Health(limit: 20, inFlight: 4), new ModelHealth("c", "other", "closed", 8, 0, 0, 0)], Now);

        Assert.Equal(1, room["m"]);
        Assert.Equal(2, room["other"]);
    }
}
