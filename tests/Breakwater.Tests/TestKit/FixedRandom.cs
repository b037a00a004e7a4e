namespace Breakwater.Tests.TestKit;

/// <summary>A Random whose NextDouble always returns the same value, so waits are exact.</summary>
internal sealed class FixedRandom(double value) : Random
{
    public override double NextDouble() => value;
}
