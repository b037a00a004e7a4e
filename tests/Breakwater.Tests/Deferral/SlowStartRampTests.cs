using Breakwater.Deferral;

namespace Breakwater.Tests.Deferral;

public sealed class SlowStartRampTests
{
    [Fact]
    public void Allows_NewModel_OneJob()
    {
        var sut = new SlowStartRamp(maxInFlight: 4);

        Assert.Equal(1, sut.Allows("m"));
        sut.Started("m");
        Assert.Equal(0, sut.Allows("m"));
    }

    [Fact]
    public void Ended_FinalAnswers_WidenByOneJobPerWindowOfAnswers()
    {
        var sut = new SlowStartRamp(maxInFlight: 4);
        sut.Allows("m");

        // Each answer adds 1/window: 1 -> 2 -> 2.5 -> 2.9 -> 3.24.
        sut.Ended("m", final: true, sut.Started("m"));
        Assert.Equal(2, sut.Allows("m"));
        sut.Ended("m", final: true, sut.Started("m"));
        sut.Ended("m", final: true, sut.Started("m"));
        Assert.Equal(2, sut.Allows("m"));
        sut.Ended("m", final: true, sut.Started("m"));
        Assert.Equal(3, sut.Allows("m"));
    }

    [Fact]
    public void Window_NeverAboveMaxInFlight()
    {
        var sut = new SlowStartRamp(maxInFlight: 2);
        sut.Allows("m");
        for (var i = 0; i < 20; i++)
        {
            sut.Ended("m", final: true, sut.Started("m"));
        }

        Assert.Equal(2, sut.Allows("m"));
    }

    [Fact]
    public void Ended_TransientAnswer_ClosesToOneAndOlderAnswersDoNotWiden()
    {
        var sut = new SlowStartRamp(maxInFlight: 4);
        sut.Allows("m");
        sut.Ended("m", final: true, sut.Started("m"));
        var before = sut.Started("m");
        var failing = sut.Started("m");

        sut.Ended("m", final: false, failing);
        sut.Ended("m", final: true, before);

        Assert.Equal(1, sut.Allows("m"));
    }

    [Fact]
    public void Close_WideWindow_BackToOne()
    {
        var sut = new SlowStartRamp(maxInFlight: 4);
        sut.Allows("m");
        sut.Ended("m", final: true, sut.Started("m"));
        Assert.Equal(2, sut.Allows("m"));

        sut.Close("m");

        Assert.Equal(1, sut.Allows("m"));
    }

    [Fact]
    public void StartedAndEnded_ModelNeverAskedAbout_NoWindow()
    {
        var sut = new SlowStartRamp(maxInFlight: 4);

        Assert.Equal(0, sut.Started("m"));
        sut.Ended("m", final: true, 0);

        Assert.Equal(1, sut.Allows("m"));
    }
}
