using System.Text;
using Breakwater.Status;

namespace Breakwater.Tests.Status;

public class StatusPageParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 15, 0, TimeSpan.Zero);

    private static StatusPageResult Summary(string json) => StatusPageParser.ParseSummary(Encoding.UTF8.GetBytes(json), "API", Now);

    [Fact]
    public void ParseSummary_Operational_ReadsIndicatorAndApiComponent()
    {
        var result = Summary(StatusFixtures.SummaryOperational);

        Assert.True(result.IsKnown);
        Assert.Equal(StatusIndicator.None, result.Indicator);
        Assert.Equal("All Systems Operational", result.Description);
        Assert.Equal("Claude API (api.anthropic.com)", result.ApiComponentName);
        Assert.Equal(ComponentStatus.Operational, result.ApiComponentStatus);
        Assert.Empty(result.Incidents);
        Assert.Null(result.ActiveIncident);
        Assert.Equal(Now, result.FetchedAt);
    }

    [Fact]
    public void ParseSummary_ActiveIncident_ReadsLatestUpdateLinkAndTimes()
    {
        var result = Summary(StatusFixtures.SummaryWithIncident);

        Assert.Equal(StatusIndicator.Major, result.Indicator);
        Assert.Equal(ComponentStatus.PartialOutage, result.ApiComponentStatus);
        var incident = Assert.IsType<StatusIncident>(result.ActiveIncident);
        Assert.Equal("Elevated errors on Claude Sonnet 4.5", incident.Name);
        Assert.Equal(IncidentStatus.Identified, incident.Status);
        Assert.Equal(IncidentImpact.Major, incident.Impact);
        Assert.Equal("https://stspg.io/f6x8xqk7", incident.Shortlink);
        Assert.Equal("The issue has been identified and a fix is being implemented.", incident.LatestUpdate);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 51, 20, 100, TimeSpan.Zero), incident.CreatedAt);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 8, 42, 0, TimeSpan.Zero), incident.Start);
        Assert.Null(incident.ResolvedAt);
        Assert.True(incident.IsActive);
    }

    [Fact]
    public void ParseSummary_MissingFieldsAndUnknownValues_ReadsWhatItCanAsUnknown()
    {
        var result = Summary(StatusFixtures.SummaryOdd);

        Assert.True(result.IsKnown);
        Assert.Equal(StatusIndicator.Unknown, result.Indicator);
        Assert.Null(result.Description);
        Assert.Equal("Claude API", result.ApiComponentName);
        Assert.Equal(ComponentStatus.Unknown, result.ApiComponentStatus);
        Assert.Equal(2, result.Incidents.Count);
        var odd = result.Incidents[0];
        Assert.Equal("", odd.Name);
        Assert.Equal(IncidentStatus.Unknown, odd.Status);
        Assert.Equal("escalated", odd.StatusText);
        Assert.Equal(IncidentImpact.Unknown, odd.Impact);
        Assert.Null(odd.CreatedAt);
        Assert.Null(odd.LatestUpdate);
        Assert.Null(odd.Shortlink);
        // An incident of unknown status that is not resolved counts as open: better a false "maybe" than a missed incident.
        Assert.True(odd.IsActive);
        Assert.Equal(IncidentStatus.Monitoring, result.Incidents[1].Status);
    }

    [Fact]
    public void ParseSummary_NoApiComponent_LeavesComponentUnknown()
    {
        var result = StatusPageParser.ParseSummary(Encoding.UTF8.GetBytes(StatusFixtures.SummaryOperational), "Bedrock", Now);

        Assert.True(result.IsKnown);
        Assert.Null(result.ApiComponentName);
        Assert.Equal(ComponentStatus.Unknown, result.ApiComponentStatus);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html><body>502 Bad Gateway</body></html>")]
    [InlineData("{\"status\": {\"indicator\": \"none\"")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{}")]
    [InlineData("{\"error\": \"not found\"}")]
    [InlineData("null")]
    public void ParseSummary_NotAStatusPage_ReadsAsUnknown(string body)
    {
        var result = Summary(body);

        Assert.False(result.IsKnown);
        Assert.Equal(StatusIndicator.Unknown, result.Indicator);
        Assert.NotNull(result.Error);
        Assert.Null(result.ActiveIncident);
    }

    [Fact]
    public void ParseIncidents_ResolvedAndOpen_KeepsBothWithLatestUpdate()
    {
        var list = StatusPageParser.ParseIncidents(Encoding.UTF8.GetBytes(StatusFixtures.IncidentsList), Now);

        Assert.True(list.IsKnown);
        Assert.Equal(2, list.Incidents.Count);
        Assert.True(list.Incidents[0].IsActive);
        var old = list.Incidents[1];
        Assert.False(old.IsActive);
        Assert.Equal(IncidentStatus.Resolved, old.Status);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 15, 0, 0, TimeSpan.Zero), old.ResolvedAt);
        Assert.Equal("This incident has been resolved.", old.LatestUpdate);
    }

    [Theory]
    [InlineData("{\"page\": {}}")]
    [InlineData("{\"incidents\": {}}")]
    [InlineData("garbage")]
    public void ParseIncidents_NoIncidentArray_ReadsAsUnknown(string body)
    {
        var list = StatusPageParser.ParseIncidents(Encoding.UTF8.GetBytes(body), Now);

        Assert.False(list.IsKnown);
        Assert.Empty(list.Incidents);
    }

    [Fact]
    public void ParseIncident_UpdatesOutOfOrder_PicksNewestByTime()
    {
        const string json = """
            {"incidents": [{"id": "a", "name": "n", "status": "monitoring", "incident_updates": [
              {"body": "older", "display_at": "2026-03-02T08:00:00Z"},
              {"body": "newest", "display_at": "2026-03-02T09:00:00Z"},
              {"body": "middle", "display_at": "2026-03-02T08:30:00Z"}]}]}
            """;

        var list = StatusPageParser.ParseIncidents(Encoding.UTF8.GetBytes(json), Now);

        Assert.Equal("newest", list.Incidents[0].LatestUpdate);
    }
}
