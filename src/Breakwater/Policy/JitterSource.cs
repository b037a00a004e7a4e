namespace Breakwater.Policy;

/// <summary>A thread-safe view of an injected <see cref="Random"/> (a seeded Random is not thread-safe).</summary>
internal sealed class JitterSource(Random random)
{
    private readonly Lock _lock = new();

    public double NextUnit()
    {
        if (ReferenceEquals(random, Random.Shared))
        {
            return Random.Shared.NextDouble();
        }

        lock (_lock)
        {
            return random.NextDouble();
        }
    }
}
