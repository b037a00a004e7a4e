using Breakwater.Gateway.Hosting;

namespace Breakwater.Cli.Tests.CommandLine;

public sealed class ClosestNameTests
{
    [Theory]
    [InlineData("--prot", "--port")]
    [InlineData("--scenaro", "--scenario")]
    [InlineData("--sce", "--scenario")]
    [InlineData("--SEED", "--seed")]
    public void Find_Typo_GivesTheIntendedName(string typed, string expected) =>
        Assert.Equal(expected, ClosestName.Find(typed, ["--port", "--scenario", "--seed", "--time-scale"]));

    [Fact]
    public void Find_NothingClose_IsNull() =>
        Assert.Null(ClosestName.Find("--frobnicate", ["--port", "--scenario", "--seed"]));

    [Theory]
    [InlineData("port", "prot", 1)]
    [InlineData("json", "jsn", 1)]
    [InlineData("abc", "abc", 0)]
    [InlineData("kitten", "sitting", 3)]
    public void Distance_CountsATranspositionAsOneEdit(string a, string b, int expected) =>
        Assert.Equal(expected, ClosestName.Distance(a, b));
}
