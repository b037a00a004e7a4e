using System.Net;
using Breakwater.Pipeline;
using Breakwater.Tests.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Breakwater.Tests.Fuzz;

/// <summary>
/// Inputs the fuzzer (tests/Fuzz) found that broke something, each kept as a named test after its fix.
/// Found, both by the target request-body with seed 1: input 89, a <c>model</c> string holding bytes that are not
/// UTF-8; input 3365, a top-level property name with a lone surrogate escape (<c>"model\udc00"</c>). Either made
/// <see cref="RequestBody.Parse"/> and <see cref="RequestBody.ParseObject"/> throw InvalidOperationException, so the
/// library's handler threw for such a body and the gateway answered 500 with an empty body. Target error-body with
/// seed 2, input 1015: an error body whose property name holds a lone surrogate escape (<c>{"ty\udc00pe":…}</c>) made
/// <see cref="Breakwater.Anthropic.ErrorBodyParser.Parse(ReadOnlySpan{byte}, bool)"/> throw, so an upstream's error
/// answer made the handler throw instead of being classified. Target status-page with seed 1, input 61: a byte that is
/// not UTF-8 inside an incident's date made the status page parse throw (the status page is read from the network).
/// </summary>
public sealed class FuzzRegressionTests
{
    // The shape the fuzzer found, reduced: the model's bytes are not UTF-8 (F0 6E: a 4-byte lead followed by ASCII).
    private static readonly byte[] BrokenModel = [.. "{\"model\":\"claude-so"u8, 0xF0, 0x6E, .. "et-4-5\",\"max_tokens\":64,\"stream\":true,\"messages\":[]}"u8];

    [Fact]
    public void RequestBodyParse_ModelNotUtf8_ReadsNoModelAndStillSeesStream()
    {
        var body = RequestBody.Parse(BrokenModel);

        Assert.Null(body.Model);
        Assert.Equal(-1, body.ModelValueStart);
        Assert.True(body.IsStream);
        Assert.Same(BrokenModel, body.Bytes);
        // Nothing to splice: a fallback leaves the body as it was.
        Assert.Same(body, body.WithModel("claude-haiku-4-5"));
    }

    [Fact]
    public void RequestBodyParseObject_ModelNotUtf8_IsAProblemNotAnException()
    {
        var body = RequestBody.ParseObject(BrokenModel, out var problem);

        Assert.Null(body);
        // The whole-body UTF-8 check refuses it before any string is decoded.
        Assert.Equal("The request body is not valid UTF-8.", problem);
    }

    [Fact]
    public async Task BreakwaterHandler_ModelNotUtf8_SendsTheBodyUnchangedInsteadOfThrowing()
    {
        var time = ScriptedHandler.NewTime();
        var upstream = new ScriptedHandler(time, _ => Api.Ok("req_ok"));
        using var handler = new BreakwaterHandler(new BreakwaterOptions(), time, new FixedRandom(0), NullLoggerFactory.Instance) { InnerHandler = upstream };
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages") { Content = new ByteArrayContent(BrokenModel) };

        using var response = await TimeLoop.Run(time, invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(5));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(BrokenModel, Assert.Single(upstream.Requests).Body);
    }

    [Theory]
    [InlineData("{\"model\\udc00\":\"claude-sonnet-4-5\",\"stream\":true}", null)]
    [InlineData("{\"a\\ud800\":1,\"model\":\"claude-sonnet-4-5\",\"stream\":true}", "claude-sonnet-4-5")]
    [InlineData("{\"model\":\"claude\\udc00\",\"stream\":true}", null)]
    public void RequestBodyParse_LoneSurrogateEscape_NoThrowStreamStillRead(string json, string? model)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);

        var body = RequestBody.Parse(bytes);

        Assert.Equal(model, body.Model);
        Assert.True(body.IsStream);
    }

    [Theory]
    [InlineData("{\"model\\udc00\":\"claude-sonnet-4-5\"}", "a property name is not valid Unicode")]
    [InlineData("{\"model\":\"claude\\udc00\"}", "the model is not valid Unicode text")]
    public void RequestBodyParseObject_LoneSurrogateEscape_IsAProblemNotAnException(string json, string expected)
    {
        var body = RequestBody.ParseObject(System.Text.Encoding.UTF8.GetBytes(json), out var problem);

        Assert.Null(body);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    // The error body the fuzzer found (seed 2, input 1015): a lone surrogate escape in the envelope's "type" key.
    private const string LoneSurrogateErrorBody = "{\"ty\\udc00pe\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_011CSHoEeqs5C35K2UUqR7Fy\"}";

    [Fact]
    public void ErrorBodyParser_LoneSurrogateEscapeInAName_ReadsTheRestInsteadOfThrowing()
    {
        var error = Breakwater.Anthropic.ErrorBodyParser.Parse(System.Text.Encoding.UTF8.GetBytes(LoneSurrogateErrorBody));

        Assert.Equal("overloaded_error", error.Type);
        Assert.Equal("Overloaded", error.Message);
        Assert.Equal("req_011CSHoEeqs5C35K2UUqR7Fy", error.RequestId);
        // The envelope's "type" key is the broken one: the body is not Anthropic-shaped.
        Assert.False(error.IsAnthropicShaped);
    }

    [Fact]
    public async Task BreakwaterHandler_UpstreamErrorBodyWithLoneSurrogateName_ClassifiedAndRetried()
    {
        var time = ScriptedHandler.NewTime();
        var upstream = new ScriptedHandler(time, n => n == 0
            ? new HttpResponseMessage((HttpStatusCode)529) { Content = new StringContent(LoneSurrogateErrorBody, System.Text.Encoding.UTF8, "application/json") }
            : Api.Ok("req_ok"));
        using var handler = new BreakwaterHandler(new BreakwaterOptions(), time, new FixedRandom(0), NullLoggerFactory.Instance) { InnerHandler = upstream };
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        using var request = Api.Request();

        using var response = await TimeLoop.Run(time, invoker.SendAsync(request, CancellationToken.None), TimeSpan.FromMilliseconds(5));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, upstream.Requests.Count);
    }

    [Fact]
    public void StatusPageParser_StringNotUtf8_ReadsTheRestOfThePage()
    {
        byte[] json = [.. "{\"status\":{\"indicator\":\"minor\",\"description\":\"Degraded\"},\"incidents\":[{\"id\":\"inc2\",\"name\":\"Elevated errors\",\"status\":\"investigating\",\"impact\":\"minor\",\"created_at\":\"2026-12-0"u8, 0xFF, .. "3T10:00:00Z\"}]}"u8];
        var now = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

        var summary = Breakwater.Status.StatusPageParser.ParseSummary(json, "Claude API", now);
        var incidents = Breakwater.Status.StatusPageParser.ParseIncidents(json, now);

        Assert.True(summary.IsKnown);
        Assert.Equal(Breakwater.Status.StatusIndicator.Minor, summary.Indicator);
        Assert.Equal("Elevated errors", Assert.Single(summary.Incidents).Name);
        Assert.True(incidents.IsKnown);
        Assert.Null(Assert.Single(incidents.Incidents).CreatedAt);
    }

    [Fact]
    public void StatusPageParser_LoneSurrogateName_UnknownNotAnException()
    {
        var json = System.Text.Encoding.UTF8.GetBytes("{\"stat\\udc00us\":{\"indicator\":\"major\"},\"incidents\":[]}");
        var now = new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

        var summary = Breakwater.Status.StatusPageParser.ParseSummary(json, "Claude API", now);
        var incidents = Breakwater.Status.StatusPageParser.ParseIncidents(json, now);

        // The summary looks up "status", which meets the broken name; the incident list finds "incidents" first.
        Assert.False(summary.IsKnown);
        Assert.Contains("not valid Unicode", summary.Error, StringComparison.Ordinal);
        Assert.True(incidents.IsKnown);
        Assert.Empty(incidents.Incidents);
    }
}
