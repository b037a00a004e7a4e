using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Breakwater.Simulator.Background;

namespace Breakwater.Simulator.Stats;

/// <summary>Counts of what the upstream answered, by model, status and attempt number. Sorted keys: the JSON of two runs
/// with the same seed is byte-identical.</summary>
internal sealed class SimulatorStats
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, SortedDictionary<string, long>> _byModel = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _byStatus = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, SortedDictionary<string, long>> _byAttempt = [];
    private readonly HashSet<UInt128> _bodies = [];
    private long _total;
    private long _repeatedBodies;
    private long _midStreamErrors;
    private long _masked;
    private long _scripted;
    private long _rateLimited;

    /// <summary>Records one answered request.</summary>
    /// <param name="model">The model asked for, or null when the body named none.</param>
    /// <param name="status">The HTTP status, or a label such as <c>200+error</c>.</param>
    /// <param name="attempt">1 + x-stainless-retry-count.</param>
    /// <param name="body">The request body, to count bodies seen again (retries).</param>
    public void Record(string? model, string status, int attempt, ReadOnlySpan<byte> body)
    {
        var hash = Hash(body);
        lock (_lock)
        {
            _total++;
            Bump(Get(_byModel, model ?? "(none)"), status);
            Bump(_byStatus, status);
            Bump(Get(_byAttempt, attempt), status);
            if (!body.IsEmpty && !_bodies.Add(hash))
            {
                _repeatedBodies++;
            }
        }
    }

    public void CountMidStreamError() => Interlocked.Increment(ref _midStreamErrors);

    public void CountMasked() => Interlocked.Increment(ref _masked);

    public void CountScripted() => Interlocked.Increment(ref _scripted);

    public void CountRateLimited() => Interlocked.Increment(ref _rateLimited);

    public long Total
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    public long CountOf(string status)
    {
        lock (_lock)
        {
            return _byStatus.GetValueOrDefault(status);
        }
    }

    /// <summary>The stats document; with <paramref name="background"/> (background load on), a <c>background</c> section
    /// counts what the simulated other users met since the scenario started (they are not in the other counts).</summary>
    public byte[] ToJson(string scenario, IReadOnlyList<BackgroundCounts>? background = null)
    {
        lock (_lock)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("scenario", scenario);
                w.WriteNumber("total", _total);
                w.WriteStartObject("byModel");
                foreach (var (model, counts) in _byModel)
                {
                    WriteCounts(w, model, counts);
                }

                w.WriteEndObject();
                WriteCounts(w, "byStatus", _byStatus);
                w.WriteStartObject("byAttempt");
                foreach (var (attempt, counts) in _byAttempt)
                {
                    WriteCounts(w, attempt.ToString(CultureInfo.InvariantCulture), counts);
                }

                w.WriteEndObject();
                w.WriteNumber("distinctBodies", _bodies.Count);
                w.WriteNumber("repeatedBodies", _repeatedBodies);
                w.WriteNumber("midStreamErrors", Interlocked.Read(ref _midStreamErrors));
                w.WriteNumber("masked", Interlocked.Read(ref _masked));
                w.WriteNumber("rateLimited", Interlocked.Read(ref _rateLimited));
                w.WriteNumber("scripted", Interlocked.Read(ref _scripted));
                if (background is not null)
                {
                    WriteBackground(w, background);
                }

                w.WriteEndObject();
            }

            return stream.ToArray();
        }
    }

    private static void WriteBackground(Utf8JsonWriter w, IReadOnlyList<BackgroundCounts> background)
    {
        w.WriteStartObject("background");
        WriteBackgroundCounts(w, new BackgroundCounts(
            "",
            background.Sum(c => c.Arrivals),
            background.Sum(c => c.Served),
            background.Sum(c => c.Queued),
            background.Sum(c => c.Rejected),
            background.Sum(c => c.Abandoned),
            background.Sum(c => c.RateLimited)));
        w.WriteStartObject("byModel");
        foreach (var counts in background.OrderBy(c => c.Model, StringComparer.Ordinal))
        {
            w.WriteStartObject(counts.Model);
            WriteBackgroundCounts(w, counts);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteBackgroundCounts(Utf8JsonWriter w, BackgroundCounts counts)
    {
        w.WriteNumber("arrivals", counts.Arrivals);
        w.WriteNumber("served", counts.Served);
        w.WriteNumber("queued", counts.Queued);
        w.WriteNumber("rejected", counts.Rejected);
        w.WriteNumber("abandoned", counts.Abandoned);
        w.WriteNumber("rateLimited", counts.RateLimited);
    }

    private static void WriteCounts(Utf8JsonWriter w, string name, SortedDictionary<string, long> counts)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in counts)
        {
            w.WriteNumber(k, v);
        }

        w.WriteEndObject();
    }

    private static SortedDictionary<string, long> Get<TKey>(SortedDictionary<TKey, SortedDictionary<string, long>> map, TKey key)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var counts))
        {
            counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            map[key] = counts;
        }

        return counts;
    }

    private static void Bump(SortedDictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static UInt128 Hash(ReadOnlySpan<byte> body)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(body, digest);
        return new UInt128(BitConverter.ToUInt64(digest), BitConverter.ToUInt64(digest[8..]));
    }
}
