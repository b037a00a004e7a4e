using Breakwater.Simulator.Capacity;
using Breakwater.Simulator.Scenarios;
using Breakwater.Simulator.Time;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Breakwater.Simulator.Tests.Capacity;

public class CapacityModelTests
{
    private static (CapacityModel Sut, VirtualTimeProvider Clock, ScenarioModel Model) CreateSut(Scenario scenario, int seed = 7)
    {
        var clock = new VirtualTimeProvider();
        return (new CapacityModel(scenario, clock, new Random(seed)), clock, scenario.Models[0]);
    }

    private static ServiceRequest Request() => new(null, 100, false);

    [Property(MaxTest = 60)]
    public bool Admit_AnyArrivals_NeverStartsBeyondCapacity_AndRejectsOnlyWhenSlotsAndQueueAreFull(PositiveInt slotsSeed, NonEmptyArray<byte> gaps, bool incident)
    {
        var slots = 1 + (slotsSeed.Get % 6);
        var incidents = incident ? new[] { new ScenarioIncident { Model = "all", StartSeconds = 20, EndSeconds = 60, Capacity = 0.4 } } : [];
        var scenario = TestKit.Tiny(slots: slots, serviceSeconds: 8, queueSeconds: 10, incidents) with
        {
            Models = [TestKit.Tiny().Models[0] with { Slots = slots, ServiceMeanSeconds = 8, ServiceSigma = 0.5 }],
        };
        var (sut, clock, model) = CreateSut(scenario);
        foreach (var gap in gaps.Get.Take(300))
        {
            clock.Advance(TimeSpan.FromMilliseconds(gap * 20));
            var before = sut.Snapshot(model.Name);
            var admission = sut.Admit(model, Request());
            if (admission.Kind == AdmissionKind.Rejected && !(before.Serving + before.Rejecting >= before.Slots && before.Queued >= before.QueueBound))
            {
                return false;
            }

            if (admission.Kind == AdmissionKind.Started && before.Serving + before.Rejecting >= before.Slots)
            {
                return false;
            }

            var after = sut.Snapshot(model.Name);
            if (!incident && after.Serving > after.Slots)
            {
                return false;
            }
        }

        clock.Advance(TimeSpan.FromMinutes(10));
        var end = sut.Snapshot(model.Name);
        return end.StartedBeyondCapacity == 0 && end.Serving == 0 && end.Queued == 0 && end.Rejecting == 0;
    }

    [Fact]
    public void Admit_FullSlots_QueuesFifoThenRejects()
    {
        var (sut, clock, model) = CreateSut(TestKit.Tiny(slots: 1, serviceSeconds: 10, queueSeconds: 20)); // μ = 0.1/s → 2 queue entries

        var a = sut.Admit(model, Request());
        var b = sut.Admit(model, Request());
        var c = sut.Admit(model, Request());
        var d = sut.Admit(model, Request());

        Assert.Equal(AdmissionKind.Started, a.Kind);
        Assert.Equal(AdmissionKind.Queued, b.Kind);
        Assert.Equal(AdmissionKind.Queued, c.Kind);
        Assert.Equal(AdmissionKind.Rejected, d.Kind);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(b.Ticket!.IsCompletedSuccessfully);
        Assert.False(c.Ticket!.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(c.Ticket!.IsCompletedSuccessfully);
    }

    [Fact]
    public void Admit_Rejection_HoldsASlotForTheRejectionCost()
    {
        var (sut, clock, model) = CreateSut(TestKit.Tiny(slots: 1, serviceSeconds: 10, queueSeconds: 0));
        sut.Admit(model, Request());
        clock.Advance(TimeSpan.FromSeconds(9.99));

        Assert.Equal(AdmissionKind.Rejected, sut.Admit(model, Request()).Kind); // holds the slot until 10.04 s
        clock.Advance(TimeSpan.FromSeconds(0.02));
        Assert.Equal(0, sut.Snapshot(model.Name).Serving);
        Assert.Equal(AdmissionKind.Rejected, sut.Admit(model, Request()).Kind);
        clock.Advance(TimeSpan.FromMilliseconds(51));
        Assert.Equal(AdmissionKind.Started, sut.Admit(model, Request()).Kind);
    }

    [Fact]
    public void CapacityDrop_RunningWorkFinishes_AndQueueBoundFollowsCapacity()
    {
        var incident = new ScenarioIncident { Model = "sonnet", StartSeconds = 100, EndSeconds = 200, Capacity = 0.2 };
        var (sut, clock, model) = CreateSut(TestKit.Tiny(slots: 10, serviceSeconds: 150, queueSeconds: 45, incident)); // μ = 1/15
        clock.Advance(TimeSpan.FromSeconds(99));
        var full = sut.Snapshot(model.Name);
        for (var i = 0; i < 10; i++)
        {
            sut.Admit(model, Request());
        }

        clock.Advance(TimeSpan.FromSeconds(2));
        var during = sut.Snapshot(model.Name);

        Assert.Equal((10, 3), (full.Slots, full.QueueBound));
        Assert.Equal((2, 0), (during.Slots, during.QueueBound));
        Assert.Equal(10, during.Serving);
        Assert.Equal(AdmissionKind.Rejected, sut.Admit(model, Request()).Kind);
        Assert.Equal(0, sut.Snapshot(model.Name).StartedBeyondCapacity);
    }

    [Fact]
    public void CapacityReturns_QueueDrainsAtTheBoundary()
    {
        var incident = new ScenarioIncident { Model = "all", StartSeconds = 0, EndSeconds = 30, Capacity = 0.5 };
        var (sut, clock, model) = CreateSut(TestKit.Tiny(slots: 2, serviceSeconds: 100, queueSeconds: 100, incident));
        sut.Admit(model, Request());
        var queued = sut.Admit(model, Request());

        Assert.Equal(AdmissionKind.Queued, queued.Kind);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(queued.Ticket!.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(queued.Ticket!.IsCompletedSuccessfully);
    }

    [Fact]
    public void Abandon_QueuedRequest_LeavesTheQueue_StartedOneCannot()
    {
        var (sut, _, model) = CreateSut(TestKit.Tiny(slots: 1, serviceSeconds: 10, queueSeconds: 100));
        sut.Admit(model, Request());
        var queued = sut.Admit(model, Request());

        Assert.True(sut.Abandon(queued.Waiter!));
        Assert.False(sut.Abandon(queued.Waiter!));
        Assert.Equal(0, sut.Snapshot(model.Name).Queued);
        Assert.Equal(1, sut.Snapshot(model.Name).Abandoned);
    }

    [Fact]
    public void Admit_ServiceTimes_AreLognormalWithTheConfiguredMean()
    {
        var scenario = TestKit.Tiny() with { Models = [TestKit.Tiny().Models[0] with { Slots = 100_000, ServiceMeanSeconds = 10, ServiceSigma = 0.5 }] };
        var (sut, _, model) = CreateSut(scenario);

        var times = Enumerable.Range(0, 20_000).Select(_ => sut.Admit(model, Request()).Ticket!.Result.ServiceTime.TotalSeconds).ToList();

        Assert.InRange(times.Average(), 9.8, 10.2);
        var logs = times.Select(t => Math.Log(t)).ToList();
        var mean = logs.Average();
        Assert.InRange(Math.Sqrt(logs.Average(l => (l - mean) * (l - mean))), 0.48, 0.52);
    }
}
