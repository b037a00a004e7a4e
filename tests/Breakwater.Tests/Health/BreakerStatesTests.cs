using Breakwater.Health;
using Polly.CircuitBreaker;

namespace Breakwater.Tests.Health;

public sealed class BreakerStatesTests
{
    [Theory]
    [InlineData(CircuitState.Closed, BreakerState.Closed, "closed")]
    [InlineData(CircuitState.Open, BreakerState.Open, "open")]
    [InlineData(CircuitState.HalfOpen, BreakerState.HalfOpen, "half-open")]
    [InlineData(CircuitState.Isolated, BreakerState.Isolated, "isolated")]
    public void From_ToWire_FromWire_RoundTrip(CircuitState circuit, BreakerState state, string wire)
    {
        Assert.Equal(state, BreakerStates.From(circuit));
        Assert.Equal(wire, BreakerStates.ToWire(state));
        Assert.Equal(state, BreakerStates.FromWire(wire));
    }

    [Theory]
    [InlineData("Closed")]
    [InlineData("")]
    [InlineData("unknown")]
    public void ModelHealthState_TextNamingNoState_NotClosed(string breaker)
    {
        Assert.Equal(BreakerState.Open, new ModelHealth("c", "m", breaker, 10, 0, 0, 0).State);
    }
}
