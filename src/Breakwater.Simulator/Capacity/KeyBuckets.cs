namespace Breakwater.Simulator.Capacity;

/// <summary>The three buckets of one API key.</summary>
internal sealed class KeyBuckets(long rpm, long itpm, long otpm, long timestamp)
{
    public TokenBucket Requests { get; } = new(rpm, timestamp);

    public TokenBucket InputTokens { get; } = new(itpm, timestamp);

    public TokenBucket OutputTokens { get; } = new(otpm, timestamp);

    public void Refill(long timestamp, long frequency)
    {
        Requests.Refill(timestamp, frequency);
        InputTokens.Refill(timestamp, frequency);
        OutputTokens.Refill(timestamp, frequency);
    }
}
