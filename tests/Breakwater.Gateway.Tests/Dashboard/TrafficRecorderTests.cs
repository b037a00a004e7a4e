using Breakwater.Classification;
using Breakwater.Gateway.Features.Dashboard;
using Breakwater.Retry;
using Breakwater.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Gateway.Tests.Dashboard;

/// <summary>The per-10-second ring of counts and the bounded lists of failures and fallbacks.</summary>
public sealed class TrafficRecorderTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static (TrafficRecorder Sut, FakeTimeProvider Time) CreateSut()
    {
        var time = new FakeTimeProvider(Start);
        return (new TrafficRecorder(time), time);
    }

    private static AttemptRecord Failure(int? status, FailureKind kind, GiveUpReason giveUp = GiveUpReason.None, string? requestId = null) => new()
    {
        Timestamp = Start,
        Client = "gateway",
        Model = "claude-opus-4-6",
        Attempt = 1,
        StatusCode = status,
        Kind = kind,
        RequestId = requestId,
        Decision = giveUp == GiveUpReason.None ? AttemptDecision.Retried : AttemptDecision.GaveUp,
        GiveUp = giveUp,
    };

    [Fact]
    public void Snapshot_Empty_SixtyZeroBucketsEndingNow()
    {
        var (sut, _) = CreateSut();

        var snapshot = sut.Snapshot();

        Assert.Equal(TrafficRecorder.BucketCount, snapshot.Series.Count);
        Assert.All(snapshot.Series, p => Assert.Equal(0, p.Requests + p.Overloaded + p.RateLimited));
        Assert.Equal(Start, snapshot.Series[^1].At);
        Assert.Equal(Start - TimeSpan.FromSeconds(590), snapshot.Series[0].At);
    }

    [Fact]
    public void RecordAttempt_ByStatus_CountedInTheirOwnColumns()
    {
        var (sut, _) = CreateSut();

        sut.RecordAttempt(Failure(529, FailureKind.Overloaded));
        sut.RecordAttempt(Failure(529, FailureKind.Overloaded));
        sut.RecordAttempt(Failure(429, FailureKind.RateLimited));
        sut.RecordAttempt(Failure(500, FailureKind.ApiError));
        sut.RecordAttempt(Failure(null, FailureKind.Overloaded, GiveUpReason.Breaker));
        sut.RecordRequest(200, new FallbackEntry(Start, "a", "b", "req_1"));
        sut.RecordRequest(529, null);

        var now = sut.Snapshot().Series[^1];
        Assert.Equal((2, 1, 1, 1, 1, 2, 1), (now.Overloaded, now.RateLimited, now.OtherFailures, now.Refused, now.Fallbacks, now.Requests, now.FailedRequests));
        Assert.Equal(5, sut.Snapshot().Failures.Count);
    }

    [Fact]
    public void Snapshot_TimeMoves_CountsShiftAndAgeOut()
    {
        var (sut, time) = CreateSut();
        sut.RecordAttempt(Failure(529, FailureKind.Overloaded));

        time.Advance(TimeSpan.FromSeconds(10));
        sut.RecordAttempt(Failure(429, FailureKind.RateLimited));
        var shifted = sut.Snapshot();

        Assert.Equal(1, shifted.Series[^2].Overloaded);
        Assert.Equal(1, shifted.Series[^1].RateLimited);

        time.Advance(TimeSpan.FromMinutes(10));
        var aged = sut.Snapshot();

        Assert.All(aged.Series, p => Assert.Equal(0, p.Overloaded + p.RateLimited));
        Assert.Equal(1, aged.Totals.Overloaded);
        Assert.Equal(1, aged.Totals.RateLimited);
    }

    [Fact]
    public void Snapshot_ReusedSlotAfterAWholeLap_StartsFromZero()
    {
        var (sut, time) = CreateSut();
        sut.RecordAttempt(Failure(529, FailureKind.Overloaded));

        // Exactly one lap later the same ring slot is "now" again; the old count must not leak into it.
        time.Advance(TrafficRecorder.BucketWidth * TrafficRecorder.BucketCount);
        sut.RecordAttempt(Failure(429, FailureKind.RateLimited));

        var now = sut.Snapshot().Series[^1];
        Assert.Equal((0, 1), (now.Overloaded, now.RateLimited));
    }

    [Fact]
    public void Lists_ManyRecords_BoundedNewestFirst()
    {
        var (sut, _) = CreateSut();

        for (var i = 0; i < 1000; i++)
        {
            sut.RecordAttempt(Failure(529, FailureKind.Overloaded, requestId: "req_" + i));
            sut.RecordRequest(200, new FallbackEntry(Start, "a", "b", "req_" + i));
        }

        var snapshot = sut.Snapshot();
        Assert.Equal(TrafficRecorder.MaxFailures, snapshot.Failures.Count);
        Assert.Equal(TrafficRecorder.MaxFallbacks, snapshot.Fallbacks.Count);
        Assert.Equal("req_999", snapshot.Failures[0].RequestId);
        Assert.Equal("req_999", snapshot.Fallbacks[0].RequestId);
        Assert.Equal(1000, snapshot.Totals.Overloaded);
    }
}
