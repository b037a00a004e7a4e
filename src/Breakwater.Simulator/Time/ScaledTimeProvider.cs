namespace Breakwater.Simulator.Time;

/// <summary>
/// Real time sped up: scenario time runs <see cref="Scale"/> times faster than the inner clock (default
/// <see cref="TimeProvider.System"/>). Timers fire after their due time divided by the scale, so a 90-minute scenario
/// plays in 9 minutes at scale 10. <see cref="GetUtcNow"/> starts at the inner clock's now and then runs ahead of it.
/// </summary>
public sealed class ScaledTimeProvider : TimeProvider
{
    private readonly TimeProvider _inner;
    private readonly long _originTimestamp;
    private readonly DateTimeOffset _originUtc;

    /// <summary>Creates a scaled clock.</summary>
    /// <param name="scale">How many scenario seconds pass per real second; must be positive (1 = real time).</param>
    /// <param name="inner">The real clock (default <see cref="TimeProvider.System"/>).</param>
    public ScaledTimeProvider(double scale, TimeProvider? inner = null)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The time scale must be a positive finite number.");
        }

        Scale = scale;
        _inner = inner ?? System;
        _originTimestamp = _inner.GetTimestamp();
        _originUtc = _inner.GetUtcNow();
    }

    /// <summary>Scenario seconds per real second.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => _inner.LocalTimeZone;

    /// <inheritdoc />
    public override long TimestampFrequency => _inner.TimestampFrequency;

    /// <inheritdoc />
    public override long GetTimestamp() => _originTimestamp + (long)((_inner.GetTimestamp() - _originTimestamp) * Scale);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        var elapsed = _inner.GetElapsedTime(_originTimestamp);
        return _originUtc + TimeSpan.FromTicks((long)(elapsed.Ticks * Scale));
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => new ScaledTimer(_inner.CreateTimer(callback, state, ToReal(dueTime), ToReal(period)), this);

    internal TimeSpan ToReal(TimeSpan scenario)
    {
        if (scenario == Timeout.InfiniteTimeSpan || scenario <= TimeSpan.Zero)
        {
            return scenario;
        }

        return TimeSpan.FromTicks(Math.Max(1, (long)(scenario.Ticks / Scale)));
    }
}
