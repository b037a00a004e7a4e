using Breakwater.Retry;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Breakwater.Tests.Retry;

public sealed class BackoffTests
{
    private static RetryPlan Overloaded => new RetryPlans().Overloaded;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(40, 60)]
    public void Exponential_OverloadPlan_DoublesFromOneSecondToASixtySecondCap(int retry, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Backoff.Exponential(Overloaded, retry));
    }

    [Fact]
    public void Wait_RetryAfterLongerThanBackoff_WaitsAtLeastRetryAfter()
    {
        var plan = new RetryPlans().RateLimited;

        Assert.Equal(TimeSpan.FromSeconds(90), Backoff.Wait(plan, 1, TimeSpan.FromSeconds(90), unit: 0));
        Assert.Equal(TimeSpan.FromSeconds(99), Backoff.Wait(plan, 1, TimeSpan.FromSeconds(90), unit: 1));
    }

    [Property(MaxTest = 500)]
    public Property Wait_Always_IsNeverBeforeRetryAfterNorBackoff(PositiveInt retry, NonNegativeInt retryAfterMs, double u)
    {
        var unit = double.IsFinite(u) ? Math.Abs(u) % 1 : 0;
        var n = (retry.Get % 50) + 1;
        var ra = TimeSpan.FromMilliseconds(retryAfterMs.Get % 600_000);
        var wait = Backoff.Wait(Overloaded, n, ra, unit);
        return (wait >= ra && wait >= Backoff.Exponential(Overloaded, n)).ToProperty();
    }

    [Property(MaxTest = 500)]
    public Property Wait_Always_IsAtMostFloorTimesOnePlusJitter(PositiveInt retry, NonNegativeInt retryAfterMs, double u)
    {
        var unit = double.IsFinite(u) ? Math.Abs(u) % 1 : 0;
        var n = (retry.Get % 50) + 1;
        var ra = TimeSpan.FromMilliseconds(retryAfterMs.Get % 600_000);
        var floor = TimeSpan.FromTicks(Math.Max(ra.Ticks, Backoff.Exponential(Overloaded, n).Ticks));
        var wait = Backoff.Wait(Overloaded, n, ra, unit);
        return (wait.Ticks <= (floor.Ticks * (1 + Overloaded.Jitter)) + 1).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property Exponential_IsMonotoneAndCapped(PositiveInt retry)
    {
        var n = (retry.Get % 100) + 1;
        var a = Backoff.Exponential(Overloaded, n);
        var b = Backoff.Exponential(Overloaded, n + 1);
        return (a <= b && b <= Overloaded.MaxDelay).ToProperty();
    }
}
