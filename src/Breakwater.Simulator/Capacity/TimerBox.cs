namespace Breakwater.Simulator.Capacity;

/// <summary>Carries a one-shot timer's state and keeps the timer referenced (in the model's live set) until it fired.</summary>
internal sealed class TimerBox(CapacityModel owner, object state, Action<CapacityModel, object> action)
{
    public ITimer? Timer { get; set; }

    public void Fire()
    {
        owner.Forget(this);
        Timer?.Dispose();
        action(owner, state);
    }
}
