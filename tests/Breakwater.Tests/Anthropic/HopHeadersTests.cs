using Breakwater.Anthropic;
using Breakwater.Deferral;

namespace Breakwater.Tests.Anthropic;

public sealed class HopHeadersTests
{
    [Theory]
    [InlineData("Connection")]
    [InlineData("keep-alive")]
    [InlineData("Proxy-Connection")]
    [InlineData("proxy-authenticate")]
    [InlineData("Proxy-Authorization")]
    [InlineData("TE")]
    [InlineData("trailer")]
    [InlineData("Transfer-Encoding")]
    [InlineData("upgrade")]
    public void HopByHop_EveryRfc9110Name_CaseInsensitive(string name)
    {
        Assert.True(HopHeaders.IsHopByHop(name));
        Assert.True(HopHeaders.StaysOnRequestHop(name));
        Assert.False(DeferredHttp.Keeps(name));
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("content-length")]
    [InlineData("Expect")]
    public void RequestFraming_StaysOnTheHopButIsNotHopByHop(string name)
    {
        Assert.False(HopHeaders.IsHopByHop(name));
        Assert.True(HopHeaders.StaysOnRequestHop(name));
        Assert.False(DeferredHttp.Keeps(name));
    }

    [Theory]
    [InlineData("anthropic-version")]
    [InlineData("anthropic-beta")]
    [InlineData("content-type")]
    [InlineData("traceparent")]
    public void EndToEndHeaders_Travel(string name)
    {
        Assert.False(HopHeaders.StaysOnRequestHop(name));
        Assert.True(DeferredHttp.Keeps(name));
    }

    [Theory]
    [InlineData("close, x-custom", "x-custom", true)]
    [InlineData(" X-Custom ", "x-custom", true)]
    [InlineData("x-customer", "x-custom", false)]
    [InlineData("", "x-custom", false)]
    [InlineData(null, "x-custom", false)]
    public void HasToken_MatchesWholeCommaSeparatedNames(string? list, string name, bool expected) =>
        Assert.Equal(expected, HopHeaders.HasToken(list, name));
}
