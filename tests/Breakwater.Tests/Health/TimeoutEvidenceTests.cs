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

    private static void Ended(TimeoutEvidence sut, int failed, int succeeded)
    {
        for (var i = 0; i < failed; i++)
        {
            sut.RetryEnded(succeeded: false);
        }

        for (var i = 0; i < succeeded; i++)
        {
            sut.RetryEnded(succeeded: true);
        }
    }

    [Fact]
    public void RetryMayHelp_FewerRetriesThanTheMinimumEvidence_IsTrue()
    {
        var (sut, _) = CreateSut();
        Ended(sut, TimeoutEvidence.MinimumEvidence - 1, 0);

        Assert.True(sut.RetryMayHelp);
    }

    [Fact]
    public void RetryMayHelp_EnoughRetriesAndNoneSucceeded_IsFalse()
    {
        var (sut, _) = CreateSut();
        Ended(sut, TimeoutEvidence.MinimumEvidence, 0);

        Assert.False(sut.RetryMayHelp);
    }

    [Fact]
    public void RetryMayHelp_OneInFourSucceeds_IsTrue_LessIsFalse()
    {
        var (sut, _) = CreateSut();
        Ended(sut, 6, 2);
        Assert.True(sut.RetryMayHelp);

        sut.RetryEnded(succeeded: false);
        Assert.False(sut.RetryMayHelp);
    }

    [Fact]
    public void RetryMayHelp_EvidenceOlderThanTheWindow_IsForgotten()
    {
        var (sut, time) = CreateSut();
        Ended(sut, 10, 0);
        Assert.False(sut.RetryMayHelp);

        time.Advance(TimeSpan.FromSeconds(61));

        Assert.True(sut.RetryMayHelp);
    }

    [Fact]
    public void RetryMayHelp_ARefusalWithinTheWindow_IsFalseUntilItAgesOut()
    {
        var (sut, time) = CreateSut();
        sut.Refusal();
        Assert.False(sut.RetryMayHelp);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(sut.RetryMayHelp);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(sut.RetryMayHelp);
    }
}
