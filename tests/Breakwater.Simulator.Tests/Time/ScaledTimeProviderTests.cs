using Breakwater.Simulator.Time;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Simulator.Tests.Time;

public class ScaledTimeProviderTests
{
    private static (ScaledTimeProvider Sut, FakeTimeProvider Real) CreateSut(double scale)
    {
        var real = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        return (new ScaledTimeProvider(scale, real), real);
    }

    [Fact]
    public void GetUtcNow_RealSecondPasses_ScaleSecondsPass()
    {
        var (sut, real) = CreateSut(10);
        var start = sut.GetUtcNow();
        var stamp = sut.GetTimestamp();

        real.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(TimeSpan.FromSeconds(30), sut.GetUtcNow() - start);
        Assert.Equal(TimeSpan.FromSeconds(30), sut.GetElapsedTime(stamp));
    }

    [Fact]
    public void CreateTimer_ScenarioDueTime_FiresAfterDueDividedByScale()
    {
        var (sut, real) = CreateSut(10);
        var fired = 0;
        using var timer = sut.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(60), Timeout.InfiniteTimeSpan);

        real.Advance(TimeSpan.FromSeconds(5.9));
        Assert.Equal(0, fired);
        real.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, fired);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    public void Constructor_NonPositiveScale_Throws(double scale)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new ScaledTimeProvider(scale));
}
