using Breakwater.Cli.Doctor;

namespace Breakwater.Cli.Tests.Doctor;

public class DurationParserTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("24h", 86_400)]
    [InlineData("7d", 604_800)]
    [InlineData("1w", 604_800)]
    [InlineData("1.5h", 5400)]
    [InlineData("01:00:00", 3600)]
    public void TryParse_Valid_ReadsSeconds(string text, double seconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("-5m")]
    [InlineData("0h")]
    [InlineData("5y")]
    [InlineData("forever")]
    [InlineData("99999999d")]
    public void TryParse_Invalid_ReturnsFalse(string text) => Assert.False(DurationParser.TryParse(text, out _));
}
