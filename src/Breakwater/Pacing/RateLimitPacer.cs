using Breakwater.Anthropic;

namespace Breakwater.Pacing;

/// <summary>
/// Paces one credential's calls from the rate-limit headers it last saw. When a window's remaining share is at or under
/// the threshold, calls are spaced so that what remains lasts until the reset: requests one per
/// <c>(reset − now) / remaining</c>; tokens by the same rule over the calls the remaining tokens can pay for, at the
/// average cost per call observed. With nothing left, the next call waits for the reset.
/// </summary>
internal sealed class RateLimitPacer(PacingOptions options, TimeProvider time)
{
    private readonly Lock _lock = new();
    private RateLimitSnapshot? _last;
    private static readonly Dictionary<string, RateLimitWindow> EmptyWindows = [];
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;
    private DateTimeOffset _blockedUntil = DateTimeOffset.MinValue;
    private readonly Dictionary<string, double> _costPerCall = new(StringComparer.Ordinal);

    /// <summary>
    /// How long the next call should wait (zero when no window is under pressure). When the wait fits in MaxDelay the
    /// slot is reserved; otherwise nothing is reserved and the caller waits MaxDelay and asks again.
    /// </summary>
    public (TimeSpan Wait, bool Reserved) NextDelay()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_last is null && _blockedUntil <= now)
            {
                return (TimeSpan.Zero, true);
            }

            var interval = TimeSpan.Zero;
            var earliest = _blockedUntil > now ? _blockedUntil : now;
            foreach (var (name, w) in _last?.Windows ?? EmptyWindows)
            {
                if (w.Limit is not > 0 || w.Remaining is not { } remaining || w.Reset is not { } reset || reset <= now)
                {
                    continue;
                }

                if ((double)remaining / w.Limit.Value > options.Threshold)
                {
                    continue;
                }

                var left = reset - now;
                var cost = name == "requests" ? 1.0 : _costPerCall.GetValueOrDefault(name, 0);
                var callsLeft = cost <= 0 ? remaining : remaining / cost;
                if (callsLeft < 1)
                {
                    // Nothing left in this window: no call before its reset.
                    if (reset > earliest)
                    {
                        earliest = reset;
                    }

                    continue;
                }

                var spacing = TimeSpan.FromTicks((long)(left.Ticks / callsLeft));
                if (spacing > interval)
                {
                    interval = spacing;
                }
            }

            if (interval <= TimeSpan.Zero && earliest <= now)
            {
                return (TimeSpan.Zero, true);
            }

            if (interval > options.MaxDelay)
            {
                interval = options.MaxDelay;
            }

            var slot = _nextSlot < earliest ? earliest : _nextSlot;
            var wait = slot - now;
            if (wait > options.MaxDelay)
            {
                return (options.MaxDelay, false);
            }

            _nextSlot = slot + interval;
            return (wait, true);
        }
    }

    /// <summary>
    /// A 429 told this credential to wait: the quota is the key's, so no call on it (first attempt or retry) goes
    /// before <paramref name="until"/>.
    /// </summary>
    public void BlockUntil(DateTimeOffset until)
    {
        lock (_lock)
        {
            if (until > _blockedUntil)
            {
                _blockedUntil = until;
            }
        }
    }

    /// <summary>What is left of a 429's retry-after for this credential (zero when none).</summary>
    public TimeSpan BlockedFor()
    {
        lock (_lock)
        {
            var left = _blockedUntil - time.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Takes in the headers of a response for this credential.</summary>
    public void Observe(RateLimitSnapshot? snapshot)
    {
        if (snapshot is null || snapshot.Windows.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_last is not null)
            {
                foreach (var (name, w) in snapshot.Windows)
                {
                    if (name == "requests" || !_last.Windows.TryGetValue(name, out var before) || before.Reset != w.Reset ||
                        before.Remaining is not { } b || w.Remaining is not { } a || a > b)
                    {
                        continue;
                    }

                    // Average cost per call, smoothed: one call's use of this window's tokens.
                    var used = b - a;
                    _costPerCall[name] = _costPerCall.TryGetValue(name, out var avg) ? (0.8 * avg) + (0.2 * used) : used;
                }
            }

            _last = snapshot;
        }
    }
}
