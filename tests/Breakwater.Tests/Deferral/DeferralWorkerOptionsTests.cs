using Breakwater.Deferral;

namespace Breakwater.Tests.Deferral;

public sealed class DeferralWorkerOptionsTests
{
    [Theory]
    [InlineData(120, 30)]      // 2m: a quarter is 30 s
    [InlineData(90, 30)]       // 90s: a quarter (22.5 s) is below MinQuietPeriod
    [InlineData(600, 150)]     // 10m: 2m30s
    [InlineData(1200, 300)]    // 20m: the full quiet period
    [InlineData(7200, 300)]    // 2h: never more than QuietPeriod
    public void QuietPeriodFor_IsAQuarterOfTheDeadlineBetweenMinAndFullQuietPeriod(int windowSeconds, int expectedSeconds)
    {
        var sut = new DeferralWorkerOptions();

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), sut.QuietPeriodFor(TimeSpan.FromSeconds(windowSeconds)));
    }

    [Fact]
    public void ShortestDeferral_IsTheShortestQuietPeriodPlusOnePoll()
    {
        var defaults = new DeferralWorkerOptions();
        var noQuiet = new DeferralWorkerOptions { QuietPeriod = TimeSpan.Zero };

        Assert.Equal(TimeSpan.FromSeconds(35), defaults.ShortestDeferral);
        Assert.Equal(TimeSpan.FromSeconds(5), noQuiet.ShortestDeferral);
        Assert.Equal(TimeSpan.Zero, noQuiet.QuietPeriodFor(TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void Validate_NegativeMinQuietPeriod_IsAProblem()
    {
        var sut = new DeferralWorkerOptions { MinQuietPeriod = TimeSpan.FromSeconds(-1) };

        Assert.Contains(sut.Validate(), p => p.StartsWith("MinQuietPeriod must not be negative", StringComparison.Ordinal));
    }
}
