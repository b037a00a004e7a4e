namespace Breakwater.Tests.Health;

/// <summary>A Random whose every draw is <see cref="Value"/>, changeable mid-test (throttle decisions are <c>draw &lt; p</c>).</summary>
internal sealed class SettableRandom(double value) : Random
{
    public double Value { get; set; } = value;

    public override double NextDouble() => Value;
}
