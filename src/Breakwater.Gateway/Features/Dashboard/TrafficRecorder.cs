using Breakwater.Classification;
using Breakwater.Telemetry;

namespace Breakwater.Gateway.Features.Dashboard;

/// <summary>
/// What the dashboard shows of this gateway's own traffic: counts per 10-second bucket over the last 10 minutes,
/// the latest failed attempts (with their request_ids) and the latest fallbacks. Fed by the gateway's incident sink
/// and by <see cref="TrafficMiddleware"/>; bounded in memory whatever the traffic.
/// </summary>
internal sealed class TrafficRecorder(TimeProvider time)
{
    public static readonly TimeSpan BucketWidth = TimeSpan.FromSeconds(10);
    public const int BucketCount = 60;
    public const int MaxFailures = 100;
    public const int MaxFallbacks = 50;

    private readonly Lock _gate = new();
    private readonly TrafficBucket[] _ring = new TrafficBucket[BucketCount];
    private readonly LinkedList<AttemptRecord> _failures = new();
    private readonly LinkedList<FallbackEntry> _fallbacks = new();
    private TrafficTotals _totals;

    public TimeProvider Time { get; } = time;

    /// <summary>One request the gateway answered on a Messages route, with its final status.</summary>
    public void RecordRequest(int status, FallbackEntry? fallback)
    {
        lock (_gate)
        {
            ref var bucket = ref Current();
            bucket.Requests++;
            _totals.Requests++;
            if (status >= 400)
            {
                bucket.FailedRequests++;
                _totals.FailedRequests++;
            }

            if (fallback is not null)
            {
                bucket.Fallbacks++;
                _totals.Fallbacks++;
                Push(_fallbacks, fallback, MaxFallbacks);
            }
        }
    }

    /// <summary>One failed upstream attempt, as the pipeline reported it.</summary>
    public void RecordAttempt(AttemptRecord record)
    {
        lock (_gate)
        {
            ref var bucket = ref Current();
            if (record.StatusCode == 529 || (record.StatusCode is null && record.Kind == FailureKind.Overloaded && record.GiveUp == Retry.GiveUpReason.None))
            {
                bucket.Overloaded++;
                _totals.Overloaded++;
            }
            else if (record.StatusCode == 429)
            {
                bucket.RateLimited++;
                _totals.RateLimited++;
            }
            else if (record.StatusCode is not null || record.GiveUp == Retry.GiveUpReason.None)
            {
                bucket.OtherFailures++;
                _totals.OtherFailures++;
            }
            else
            {
                // Refused locally (breaker, throttle, queue): no upstream attempt was made.
                bucket.Refused++;
                _totals.Refused++;
            }

            Push(_failures, record, MaxFailures);
        }
    }

    public TrafficSnapshot Snapshot()
    {
        lock (_gate)
        {
            var now = BucketIndex(Time.GetUtcNow());
            var series = new List<SeriesPoint>(BucketCount);
            for (var index = now - BucketCount + 1; index <= now; index++)
            {
                var bucket = _ring[Slot(index)];
                var at = DateTimeOffset.FromUnixTimeMilliseconds(index * (long)BucketWidth.TotalMilliseconds);
                series.Add(bucket.Index == index
                    ? new SeriesPoint(at, bucket.Requests, bucket.FailedRequests, bucket.Overloaded, bucket.RateLimited, bucket.OtherFailures, bucket.Refused, bucket.Fallbacks)
                    : new SeriesPoint(at, 0, 0, 0, 0, 0, 0, 0));
            }

            return new TrafficSnapshot(series, [.. _failures], [.. _fallbacks], _totals);
        }
    }

    private ref TrafficBucket Current()
    {
        var index = BucketIndex(Time.GetUtcNow());
        ref var bucket = ref _ring[Slot(index)];
        if (bucket.Index != index)
        {
            bucket = new TrafficBucket { Index = index };
        }

        return ref bucket;
    }

    private static long BucketIndex(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / (long)BucketWidth.TotalMilliseconds;

    private static int Slot(long index) => (int)(((index % BucketCount) + BucketCount) % BucketCount);

    private static void Push<T>(LinkedList<T> list, T item, int max)
    {
        list.AddFirst(item);
        if (list.Count > max)
        {
            list.RemoveLast();
        }
    }

    private struct TrafficBucket
    {
        public long Index;
        public int Requests;
        public int FailedRequests;
        public int Overloaded;
        public int RateLimited;
        public int OtherFailures;
        public int Refused;
        public int Fallbacks;
    }
}
