using Breakwater.Anthropic;

namespace Breakwater.Tests.Anthropic;

// Header names checked against Anthropic's rate limits page (docs.anthropic.com/en/api/rate-limits, searched
// 'rate limits response headers'): anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset},
// reset "provided in RFC 3339 format", token remaining "rounded to the nearest thousand", and
// anthropic-priority-{input,output}-tokens-{limit,remaining,reset} "(Priority Tier only)".
public sealed class RateLimitSnapshotTests
{
    private static RateLimitSnapshot? CreateSut(params (string, string)[] headers) => RateLimitSnapshot.From(TestHeaders.Of(headers));

    public static TheoryData<string> WindowNames => new()
    {
        "requests", "tokens", "input-tokens", "output-tokens", "priority-input-tokens", "priority-output-tokens",
    };

    private static string HeaderPrefix(string window) =>
        window.StartsWith("priority-", StringComparison.Ordinal) ? "anthropic-" + window : "anthropic-ratelimit-" + window;

    [Fact]
    public void From_EveryDocumentedHeader_ReadsEveryWindow()
    {
        var headers = new List<(string, string)>();
        var i = 1;
        foreach (var window in WindowNames)
        {
            headers.Add((HeaderPrefix(window) + "-limit", (i * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            headers.Add((HeaderPrefix(window) + "-remaining", (i * 900).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            headers.Add((HeaderPrefix(window) + "-reset", $"2025-01-12T23:1{i}:59Z"));
            i++;
        }

        var snapshot = CreateSut([.. headers]);

        Assert.NotNull(snapshot);
        Assert.Equal(6, snapshot.Windows.Count);
        Assert.Equal(new RateLimitWindow(1000, 900, new DateTimeOffset(2025, 1, 12, 23, 11, 59, TimeSpan.Zero)), snapshot.Requests);
        Assert.Equal(new RateLimitWindow(2000, 1800, new DateTimeOffset(2025, 1, 12, 23, 12, 59, TimeSpan.Zero)), snapshot.Tokens);
        Assert.Equal(new RateLimitWindow(3000, 2700, new DateTimeOffset(2025, 1, 12, 23, 13, 59, TimeSpan.Zero)), snapshot.InputTokens);
        Assert.Equal(new RateLimitWindow(4000, 3600, new DateTimeOffset(2025, 1, 12, 23, 14, 59, TimeSpan.Zero)), snapshot.OutputTokens);
        Assert.Equal(new RateLimitWindow(5000, 4500, new DateTimeOffset(2025, 1, 12, 23, 15, 59, TimeSpan.Zero)), snapshot.PriorityInputTokens);
        Assert.Equal(new RateLimitWindow(6000, 5400, new DateTimeOffset(2025, 1, 12, 23, 16, 59, TimeSpan.Zero)), snapshot.PriorityOutputTokens);
        Assert.Equal(RateLimitReading.AmpleQuota, snapshot.Reading);
    }

    [Fact]
    public void From_FieldGuideExampleDuringA529_AmpleQuota()
    {
        // The 529 field guide's headers: large remaining during a 529 proves platform capacity, not quota.
        var snapshot = CreateSut(
            ("anthropic-ratelimit-requests-limit", "4000"),
            ("anthropic-ratelimit-requests-remaining", "3987"),
            ("anthropic-ratelimit-requests-reset", "2025-11-03T12:34:56Z"),
            ("anthropic-ratelimit-tokens-limit", "400000"),
            ("anthropic-ratelimit-tokens-remaining", "398420"),
            ("retry-after", "12"));

        Assert.NotNull(snapshot);
        Assert.Equal(RateLimitReading.AmpleQuota, snapshot.Reading);
        Assert.Equal(3987, snapshot.Requests!.Remaining);
        Assert.Equal(new DateTimeOffset(2025, 11, 3, 12, 34, 56, TimeSpan.Zero), snapshot.Requests.Reset);
        Assert.Null(snapshot.Tokens!.Reset);
        Assert.Equal(398420.0 / 400000, snapshot.LowestRemainingFraction);
        Assert.Equal("requests 3987/4000, tokens 398420/400000", snapshot.ToString());
    }

    [Theory]
    [MemberData(nameof(WindowNames))]
    public void Reading_AnyWindowNearZero_QuotaPressure(string window)
    {
        // Every other window is comfortable: one low window is enough.
        var headers = new List<(string, string)>();
        foreach (var other in WindowNames)
        {
            headers.Add((HeaderPrefix(other) + "-limit", "100000"));
            headers.Add((HeaderPrefix(other) + "-remaining", other == window ? "1000" : "99000"));
        }

        var snapshot = CreateSut([.. headers]);

        Assert.Equal(RateLimitReading.QuotaPressure, snapshot!.Reading);
    }

    [Theory]
    [InlineData(50, RateLimitReading.QuotaPressure)]
    [InlineData(0, RateLimitReading.QuotaPressure)]
    [InlineData(51, RateLimitReading.AmpleQuota)]
    [InlineData(1000, RateLimitReading.AmpleQuota)]
    public void Reading_AtTheFivePercentBoundary_PressureAtOrBelow(int remaining, RateLimitReading expected)
    {
        var snapshot = CreateSut(
            ("anthropic-ratelimit-requests-limit", "1000"),
            ("anthropic-ratelimit-requests-remaining", remaining.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(expected, snapshot!.Reading);
        Assert.Equal(0.05, RateLimitSnapshot.PressureFraction);
    }

    [Fact]
    public void From_NoRateLimitHeaders_Null()
    {
        Assert.Null(CreateSut());
        Assert.Null(CreateSut(("request-id", "req_1"), ("retry-after", "5")));
    }

    [Fact]
    public void Reading_EmptySnapshot_Unknown()
    {
        Assert.Equal(RateLimitReading.Unknown, new RateLimitSnapshot().Reading);
        Assert.Null(new RateLimitSnapshot().LowestRemainingFraction);
    }

    [Fact]
    public void From_OnlyOtherRateLimitHeaders_Null()
    {
        var snapshot = CreateSut(
            ("anthropic-ratelimit-unified-status", "allowed"),
            ("anthropic-ratelimit-unified-5h-utilization", "0.2"));

        Assert.Null(snapshot);
    }

    [Fact]
    public void From_GarbageValues_ReadAsNullAndReadingUnknown()
    {
        var snapshot = CreateSut(
            ("anthropic-ratelimit-requests-limit", "lots"),
            ("anthropic-ratelimit-requests-remaining", "-"),
            ("anthropic-ratelimit-requests-reset", "10:30"));

        Assert.NotNull(snapshot);
        Assert.Equal(new RateLimitWindow(null, null, null), snapshot.Requests);
        Assert.Equal(RateLimitReading.Unknown, snapshot.Reading);
        Assert.Equal("requests ?/?", snapshot.ToString());
    }

    [Fact]
    public void From_LimitWithoutRemaining_ReadingUnknown()
    {
        var snapshot = CreateSut(("anthropic-ratelimit-tokens-limit", "400000"));

        Assert.Equal(RateLimitReading.Unknown, snapshot!.Reading);
        Assert.Null(snapshot.Tokens!.RemainingFraction);
    }

    [Fact]
    public void From_ZeroLimit_NoFractionNoDivisionByZero()
    {
        var snapshot = CreateSut(("anthropic-ratelimit-tokens-limit", "0"), ("anthropic-ratelimit-tokens-remaining", "0"));

        Assert.Null(snapshot!.Tokens!.RemainingFraction);
        Assert.Equal(RateLimitReading.Unknown, snapshot.Reading);
    }

    [Fact]
    public void From_MixedCaseHeaderNames_AreRead()
    {
        var snapshot = CreateSut(
            ("Anthropic-RateLimit-Input-Tokens-Limit", "2000000"),
            ("ANTHROPIC-RATELIMIT-INPUT-TOKENS-REMAINING", "1999000"),
            ("Anthropic-Priority-Output-Tokens-Remaining", "9500"));

        Assert.Equal(2_000_000, snapshot!.InputTokens!.Limit);
        Assert.Equal(1_999_000, snapshot.InputTokens.Remaining);
        Assert.Equal(9500, snapshot.PriorityOutputTokens!.Remaining);
    }
}
