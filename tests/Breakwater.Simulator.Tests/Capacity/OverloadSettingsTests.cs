using Breakwater.Simulator.Capacity;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests.Capacity;

/// <summary>The scenario settings for what the real upstream does under overload (each unknown is a knob).</summary>
public class OverloadSettingsTests
{
    private static (CapacityModel Sut, VirtualTimeProvider Clock, ScenarioModel Model) CreateSut(Scenario scenario, int seed = 7)
    {
        var clock = new VirtualTimeProvider();
        return (new CapacityModel(scenario, clock, new Random(seed)), clock, scenario.Models[0]);
    }

    private static ServiceRequest Request() => new(null, 100, false);

    [Theory]
    [InlineData(ScenarioQueueBound.Time, 3, 0)]
    [InlineData(ScenarioQueueBound.Entries, 3, 3)]
    [InlineData(ScenarioQueueBound.None, 0, 0)]
    public void QueueBound_FollowsCapacityOnlyInTimeMode(string mode, int boundBefore, int boundDuring)
    {
        var incident = new ScenarioIncident { Model = "sonnet", StartSeconds = 100, EndSeconds = 200, Capacity = 0.2 };
        var scenario = TestKit.Tiny(slots: 10, serviceSeconds: 150, queueSeconds: 45, incident) with { QueueBound = mode }; // μ = 1/15
        var (sut, clock, model) = CreateSut(scenario);

        var before = sut.Snapshot(model.Name).QueueBound;
        clock.Advance(TimeSpan.FromSeconds(150));

        Assert.Equal((boundBefore, boundDuring), (before, sut.Snapshot(model.Name).QueueBound));
    }

    [Fact]
    public void QueueBoundEntries_CapacityDrop_StillQueuesThreeEntries()
    {
        var incident = new ScenarioIncident { Model = "sonnet", StartSeconds = 0, EndSeconds = 200, Capacity = 0.2 };
        var scenario = TestKit.Tiny(slots: 10, serviceSeconds: 150, queueSeconds: 45, incident) with { QueueBound = ScenarioQueueBound.Entries };
        var (sut, _, model) = CreateSut(scenario);

        var kinds = Enumerable.Range(0, 6).Select(_ => sut.Admit(model, Request()).Kind).ToList();

        Assert.Equal(
            [AdmissionKind.Started, AdmissionKind.Started, AdmissionKind.Queued, AdmissionKind.Queued, AdmissionKind.Queued, AdmissionKind.Rejected],
            kinds);
    }

    [Fact]
    public void QueueBoundNone_AllSlotsBusy_RejectsAtOnce()
    {
        var scenario = TestKit.Tiny(slots: 2, serviceSeconds: 10, queueSeconds: 100) with { QueueBound = ScenarioQueueBound.None };
        var (sut, clock, model) = CreateSut(scenario);

        var kinds = Enumerable.Range(0, 3).Select(_ => sut.Admit(model, Request()).Kind).ToList();
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal([AdmissionKind.Started, AdmissionKind.Started, AdmissionKind.Rejected], kinds);
        Assert.Equal(AdmissionKind.Started, sut.Admit(model, Request()).Kind);
        Assert.Equal(0, sut.Snapshot(model.Name).Queued);
    }

    [Fact]
    public void ServeAbandonedQueued_AbandonedRequestStaysQueued_AndHoldsASlotForItsServiceTime()
    {
        var scenario = TestKit.Tiny(slots: 1, serviceSeconds: 10, queueSeconds: 100) with { ServeAbandonedQueued = true };
        var (sut, clock, model) = CreateSut(scenario);
        sut.Admit(model, Request());
        var abandoned = sut.Admit(model, Request());

        Assert.True(sut.Abandon(abandoned.Waiter!));
        Assert.False(sut.Abandon(abandoned.Waiter!));
        abandoned.Waiter!.Started.TrySetCanceled(); // what the caller does when Abandon says it may leave
        var behind = sut.Admit(model, Request());
        Assert.Equal(2, sut.Snapshot(model.Name).Queued);

        clock.Advance(TimeSpan.FromSeconds(10));
        var atTen = sut.Snapshot(model.Name);
        Assert.Equal((1, 1, 1L, 1L), (atTen.Serving, atTen.Queued, atTen.ServedAbandoned, atTen.Abandoned));
        Assert.False(behind.Ticket!.IsCompleted); // waits behind work nobody will read

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(behind.Ticket!.IsCompletedSuccessfully);
        Assert.True(abandoned.Ticket!.IsCanceled);
    }

    [Fact]
    public void ServeAbandonedQueuedOff_AbandonedRequestLeaves_TheNextOneStartsFirst()
    {
        var (sut, clock, model) = CreateSut(TestKit.Tiny(slots: 1, serviceSeconds: 10, queueSeconds: 100));
        sut.Admit(model, Request());
        var abandoned = sut.Admit(model, Request());
        Assert.True(sut.Abandon(abandoned.Waiter!));
        var behind = sut.Admit(model, Request());

        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.True(behind.Ticket!.IsCompletedSuccessfully);
        Assert.Equal(0, sut.Snapshot(model.Name).ServedAbandoned);
    }

    [Fact]
    public void QueueTimeout_RequestQueuedTooLong_IsShedWithA529AtThatMoment()
    {
        var scenario = TestKit.Tiny(slots: 1, serviceSeconds: 100, queueSeconds: 300) with { QueueTimeoutSeconds = 5 };
        var (sut, clock, model) = CreateSut(scenario);
        sut.Admit(model, Request());
        var queued = sut.Admit(model, Request());

        clock.Advance(TimeSpan.FromSeconds(4.999));
        Assert.False(queued.Ticket!.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        var snap = sut.Snapshot(model.Name);
        Assert.True(queued.Ticket!.IsCanceled);
        Assert.True(queued.Waiter!.Shed);
        Assert.Equal((0, 1L, 1L, 1), (snap.Queued, snap.Shed, snap.Rejected, snap.Rejecting)); // the 529 costs like any other
    }

    [Fact]
    public void QueueTimeout_RequestThatStartsInTime_IsNotShed()
    {
        var scenario = TestKit.Tiny(slots: 1, serviceSeconds: 4, queueSeconds: 300) with { QueueTimeoutSeconds = 5 };
        var (sut, clock, model) = CreateSut(scenario);
        sut.Admit(model, Request());
        var queued = sut.Admit(model, Request());

        clock.Advance(TimeSpan.FromSeconds(20));

        Assert.True(queued.Ticket!.IsCompletedSuccessfully);
        Assert.Equal(0, sut.Snapshot(model.Name).Shed);
    }

    [Fact]
    public void SaturatedSlowdown_WorkStartedFromTheQueue_RunsSlower()
    {
        var scenario = TestKit.Tiny(slots: 1, serviceSeconds: 10, queueSeconds: 100) with { SaturatedSlowdown = 1.5 };
        var (sut, clock, model) = CreateSut(scenario);
        var first = sut.Admit(model, Request());
        var queued = sut.Admit(model, Request());

        clock.Advance(TimeSpan.FromSeconds(10));
        var fresh = sut.Admit(model, Request()); // queued behind the slowed one
        clock.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(TimeSpan.FromSeconds(10), TestKit.Done(first.Ticket!).ServiceTime);
        Assert.Equal(TimeSpan.FromSeconds(15), TestKit.Done(queued.Ticket!).ServiceTime);
        Assert.True(fresh.Ticket!.IsCompletedSuccessfully);
        Assert.Equal(TimeSpan.FromSeconds(15), TestKit.Done(fresh.Ticket!).ServiceTime);
    }

    [Fact]
    public void RandomOverload_InsideTheWindow_RejectsWhateverTheLoad_AndCostsASlot()
    {
        var scenario = TestKit.Tiny(slots: 5, serviceSeconds: 10) with { RandomOverload = new ScenarioRandomOverload { Fraction = 1, StartSeconds = 10, EndSeconds = 20 } };
        var (sut, clock, model) = CreateSut(scenario);

        var before = sut.Admit(model, Request()).Kind;
        clock.Advance(TimeSpan.FromSeconds(12));
        var during = sut.Admit(model, Request()).Kind;
        var snap = sut.Snapshot(model.Name);
        clock.Advance(TimeSpan.FromSeconds(10));
        var after = sut.Admit(model, Request()).Kind;

        Assert.Equal((AdmissionKind.Started, AdmissionKind.Rejected, AdmissionKind.Started), (before, during, after));
        Assert.Equal((1L, 1L, 1, 0), (snap.RandomRejected, snap.Rejected, snap.Rejecting, snap.Serving));
    }

    [Fact]
    public void RandomOverload_Fraction_IsTheShareOfAttemptsRejected_SameForTheSameSeed()
    {
        var scenario = TestKit.Tiny(slots: 100_000, serviceSeconds: 10) with { RandomOverload = new ScenarioRandomOverload { Fraction = 0.2 } };

        long Rejected(int seed)
        {
            var (sut, _, model) = CreateSut(scenario, seed);
            for (var i = 0; i < 10_000; i++)
            {
                sut.Admit(model, Request());
            }

            return sut.Snapshot(model.Name).RandomRejected;
        }

        var first = Rejected(3);
        Assert.InRange(first, 1_900, 2_100);
        Assert.Equal(first, Rejected(3));
    }
}
