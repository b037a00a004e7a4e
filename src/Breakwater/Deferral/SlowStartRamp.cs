namespace Breakwater.Deferral;

/// <summary>
/// Slow start per model: how many of its jobs may run at once. A window opens at one job, widens by one job per
/// window's worth of final answers, and closes back to one when the model is unhealthy or a job meets trouble.
/// </summary>
internal sealed class SlowStartRamp
{
    private readonly Dictionary<string, Ramp> _ramps = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly int _maxInFlight;

    /// <summary>Creates the ramps; no window ever exceeds <paramref name="maxInFlight"/>.</summary>
    public SlowStartRamp(int maxInFlight)
    {
        _maxInFlight = maxInFlight;
    }

    /// <summary>How many more of <paramref name="model"/>'s jobs may start now; its window opens (at one) on first use.</summary>
    public int Allows(string model)
    {
        lock (_gate)
        {
            if (!_ramps.TryGetValue(model, out var ramp))
            {
                ramp = new Ramp();
                _ramps[model] = ramp;
            }

            return Math.Min(_maxInFlight, Math.Max(0, (int)Math.Floor(ramp.Window) - ramp.Running));
        }
    }

    /// <summary>The model is not healthy: once it is again, its jobs start from one at a time.</summary>
    public void Close(string model)
    {
        lock (_gate)
        {
            if (_ramps.TryGetValue(model, out var ramp) && ramp.Window > 1)
            {
                ramp.Window = 1;
                ramp.Epoch++;
            }
        }
    }

    /// <summary>A job of <paramref name="model"/> started; returns the window's epoch to hand back to <see cref="Ended"/>.</summary>
    public int Started(string model)
    {
        lock (_gate)
        {
            if (!_ramps.TryGetValue(model, out var ramp))
            {
                return 0;
            }

            ramp.Running++;
            return ramp.Epoch;
        }
    }

    /// <summary>A job's attempt ended: a final answer widens the model's window by one job per window's worth of answers; a transient one closes it to one.</summary>
    public void Ended(string model, bool final, int epoch)
    {
        lock (_gate)
        {
            if (!_ramps.TryGetValue(model, out var ramp))
            {
                return;
            }

            ramp.Running = Math.Max(0, ramp.Running - 1);
            if (!final)
            {
                ramp.Window = 1;
                ramp.Epoch++;
            }
            else if (epoch == ramp.Epoch)
            {
                // Answers to jobs sent before the last trouble say nothing about now: only newer ones widen the window.
                ramp.Window = Math.Min(_maxInFlight, ramp.Window + (1.0 / ramp.Window));
            }
        }
    }

    /// <summary>One model's window.</summary>
    private sealed class Ramp
    {
        public double Window { get; set; } = 1;

        public int Running { get; set; }

        /// <summary>Counts resets, so answers to jobs started before one do not widen the window.</summary>
        public int Epoch { get; set; }
    }
}
