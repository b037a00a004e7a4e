using Breakwater.Fallback;

namespace Breakwater.Tests.Fallback;

public sealed class FallbackOptionsTests
{
    private static FallbackOptions CreateSut() => new FallbackOptions().Add("claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5");

    [Fact]
    public void After_FirstModel_ReturnsTheRestInOrder()
    {
        Assert.Equal(["claude-sonnet-4-6", "claude-haiku-4-5"], CreateSut().After("claude-opus-4-6"));
    }

    [Fact]
    public void After_MiddleModel_ReturnsOnlyTheModelsAfterIt()
    {
        Assert.Equal(["claude-haiku-4-5"], CreateSut().After("claude-sonnet-4-6"));
    }

    [Theory]
    [InlineData("claude-haiku-4-5")]
    [InlineData("claude-3-opus")]
    [InlineData("CLAUDE-OPUS-4-6")]
    [InlineData("")]
    public void After_LastOrUnknownModel_ReturnsNothing(string model)
    {
        Assert.Empty(CreateSut().After(model));
    }

    [Fact]
    public void After_ChainDisabled_ReturnsNothing()
    {
        var sut = CreateSut();
        sut.Chains[0].Enabled = false;

        Assert.Empty(sut.After("claude-opus-4-6"));
    }

    [Fact]
    public void After_ModelInTwoChains_FirstChainWins()
    {
        var sut = new FallbackOptions().Add("a", "b").Add("a", "c");

        Assert.Equal(["b"], sut.After("a"));
    }

    [Fact]
    public void Defaults_NoChainsAndOneSameModelRetry()
    {
        var sut = new FallbackOptions();

        Assert.Empty(sut.Chains);
        Assert.Equal(1, sut.SameModelRetries);
        Assert.Empty(sut.After("claude-opus-4-6"));
    }
}
