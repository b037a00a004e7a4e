using Breakwater.Anthropic;
using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.Anthropic;

// Header names and meanings checked against Anthropic's rate limits page (docs.anthropic.com/en/api/rate-limits,
// searched 'rate limits response headers'): "retry-after: The number of seconds to wait until you can retry the
// request. Earlier retries will fail." retry-after-ms and x-should-retry are what the official SDKs read
// (the sdk-default policy of the benchmark models them).
public sealed class RetryHintsTests
{
    private static readonly DateTimeOffset Now = new(2025, 11, 3, 12, 0, 0, TimeSpan.Zero);

    private static RetryHints CreateSut(params (string, string)[] headers)
    {
        var time = new FakeTimeProvider(Now);
        return RetryHints.From(TestHeaders.Of(headers), time.GetUtcNow());
    }

    [Fact]
    public void From_NoHeaders_ReturnsNone()
    {
        var hints = CreateSut();

        Assert.Same(RetryHints.None, hints);
        Assert.Null(hints.RetryAfter);
        Assert.Null(hints.ShouldRetry);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("12", 12_000)]
    [InlineData("90", 90_000)]
    [InlineData(" 30 ", 30_000)]
    public void From_RetryAfterDeltaSeconds_ReadsSeconds(string value, int expectedMs)
    {
        var hints = CreateSut(("retry-after", value));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), hints.RetryAfter);
    }

    [Theory]
    [InlineData("1.5", 1_500)]
    [InlineData("0.25", 250)]
    [InlineData("2.", 2_000)]
    public void From_RetryAfterDecimalSeconds_ReadsFraction(string value, int expectedMs)
    {
        var hints = CreateSut(("retry-after", value));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), hints.RetryAfter);
    }

    [Fact]
    public void From_RetryAfterHttpDateInTheFuture_ReadsDeltaFromTimeProvider()
    {
        var hints = CreateSut(("retry-after", "Mon, 03 Nov 2025 12:01:30 GMT"));

        Assert.Equal(TimeSpan.FromSeconds(90), hints.RetryAfter);
    }

    [Fact]
    public void From_RetryAfterHttpDateInThePast_ReadsZero()
    {
        var hints = CreateSut(("retry-after", "Mon, 03 Nov 2025 11:59:00 GMT"));

        Assert.Equal(TimeSpan.Zero, hints.RetryAfter);
    }

    [Theory]
    [InlineData("Monday, 03-Nov-25 12:00:10 GMT")]
    [InlineData("Mon Nov  3 12:00:10 2025")]
    [InlineData("Mon Nov 03 12:00:10 2025")]
    public void From_RetryAfterObsoleteHttpDateForms_ReadAsDelta(string value)
    {
        var hints = CreateSut(("retry-after", value));

        Assert.Equal(TimeSpan.FromSeconds(10), hints.RetryAfter);
    }

    [Fact]
    public void ParseRetryAfter_HttpDateAdvancedFakeTime_DeltaShrinks()
    {
        var time = new FakeTimeProvider(Now);
        time.Advance(TimeSpan.FromSeconds(60));

        var wait = RetryHints.ParseRetryAfter("Mon, 03 Nov 2025 12:01:30 GMT", time.GetUtcNow());

        Assert.Equal(TimeSpan.FromSeconds(30), wait);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("1e3")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("10:30")]
    [InlineData("2025-11-03")]
    [InlineData("1,5")]
    [InlineData("Mon, 32 Nov 2025 12:00:00 GMT")]
    public void From_RetryAfterGarbage_ReadsNull(string value)
    {
        var hints = CreateSut(("retry-after", value));

        Assert.Null(hints.RetryAfter);
    }

    [Fact]
    public void From_RetryAfterFarAbove_CappedAtOneDay()
    {
        Assert.Equal(TimeSpan.FromDays(1), CreateSut(("retry-after", "999999999")).RetryAfter);
        Assert.Equal(TimeSpan.FromDays(1), CreateSut(("retry-after", "Fri, 01 Jan 2100 00:00:00 GMT")).RetryAfter);
        Assert.Equal(TimeSpan.FromDays(1), CreateSut(("retry-after-ms", "999999999999")).RetryAfter);
    }

    [Fact]
    public void From_RetryAfterMsAlone_ReadsMilliseconds()
    {
        var hints = CreateSut(("retry-after-ms", "1500"));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), hints.RetryAfter);
    }

    [Fact]
    public void From_RetryAfterMsAndRetryAfter_MsWins()
    {
        var hints = CreateSut(("retry-after", "30"), ("retry-after-ms", "2500.5"));

        Assert.Equal(TimeSpan.FromMilliseconds(2500.5), hints.RetryAfter);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("")]
    public void From_RetryAfterMsUnreadable_FallsBackToRetryAfter(string ms)
    {
        var hints = CreateSut(("retry-after-ms", ms), ("retry-after", "7"));

        Assert.Equal(TimeSpan.FromSeconds(7), hints.RetryAfter);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("TRUE", true)]
    [InlineData(" False ", false)]
    public void From_ShouldRetry_ReadsBoolean(string value, bool expected)
    {
        var hints = CreateSut(("x-should-retry", value));

        Assert.Equal(expected, hints.ShouldRetry);
        Assert.Null(hints.RetryAfter);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData("truthy")]
    public void From_ShouldRetryGarbage_ReadsNull(string value)
    {
        var hints = CreateSut(("x-should-retry", value));

        Assert.Null(hints.ShouldRetry);
    }

    [Fact]
    public void From_HeaderNamesInAnyCase_AreRead()
    {
        var hints = CreateSut(("Retry-After", "3"), ("X-Should-Retry", "true"));

        Assert.Equal(TimeSpan.FromSeconds(3), hints.RetryAfter);
        Assert.True(hints.ShouldRetry);
    }
}
