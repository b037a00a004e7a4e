using Breakwater.Health;
using Breakwater.Tests.TestKit;

namespace Breakwater.Tests.Health;

public sealed class TimeoutEvidenceTests
{
    private static (TimeoutEvidence Evidence, ObservableTimeProvider Time) CreateSut()
    {
        var time = new ObservableTimeProvider();
        return (new TimeoutEvidence(TimeSpan.FromSeconds(60), time), time);
    }

    [Fact]
    public void RetryMayHelp_NoSuccessYet_IsFalse()
    {
        var (sut, _) = CreateSut();
        sut.Timeout();

        Assert.False(sut.RetryMayHelp);
    }

    [Fact]
    public void RetryMayHelp_TimeoutsRareAmongSuccesses_IsTrue()
    {
        var (sut, _) = CreateSut();
        for (var i = 0; i < 10; i++)
        {
            sut.Success();
        }

        sut.Timeout();
        sut.Timeout();

        Assert.True(sut.RetryMayHelp);
        sut.Timeout();
        Assert.False(sut.RetryMayHelp);
    }

    [Fact]
    public void RetryMayHelp_ARefusalWithinTheWindow_IsFalseUntilItAgesOut()
    {
        var (sut, time) = CreateSut();
        for (var i = 0; i < 10; i++)
        {
            sut.Success();
        }

        sut.Refusal();
        Assert.False(sut.RetryMayHelp);

        time.Advance(TimeSpan.FromSeconds(59));
        for (var i = 0; i < TimeoutEvidence.SuccessesPerTimeout; i++)
        {
            sut.Success();
        }

        Assert.False(sut.RetryMayHelp);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(sut.RetryMayHelp);
    }

    [Fact]
    public void RetryMayHelp_EvidenceOlderThanTheWindow_IsForgotten()
    {
        var (sut, time) = CreateSut();
        for (var i = 0; i < 10; i++)
        {
            sut.Success();
        }

        time.Advance(TimeSpan.FromSeconds(61));
        sut.Timeout();

        Assert.False(sut.RetryMayHelp);
    }
}
