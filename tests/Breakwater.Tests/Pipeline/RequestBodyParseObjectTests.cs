using System.Text;
using Breakwater.Pipeline;

namespace Breakwater.Tests.Pipeline;

public sealed class RequestBodyParseObjectTests
{
    [Theory]
    [InlineData("{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")]
    [InlineData("{\"messages\":[{\"model\":\"inner\",\"stream\":true}],\"stream\":true,\"model\":\"claude-opus-4-1\"}")]
    [InlineData("{\"model\":{\"not\":\"a string\"},\"stream\":{\"x\":[1,2]}}")]
    [InlineData("{\"model\":\"a\",\"messages\":[{\"model\":\"b\"},{\"model\":\"c\"}],\"stream\":false}")]
    [InlineData("  {\"model\":\"caf\\u00e9\",\"stream\":[true]}  ")]
    [InlineData("{}")]
    public void ParseObject_ValidObject_ReadsWhatParseReads(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        var strict = RequestBody.ParseObject(bytes, out var problem);
        var lenient = RequestBody.Parse(bytes);

        Assert.Null(problem);
        Assert.NotNull(strict);
        Assert.Same(bytes, strict.Bytes);
        Assert.Equal(lenient.Model, strict.Model);
        Assert.Equal(lenient.IsStream, strict.IsStream);
        Assert.Equal(lenient.ModelValueStart, strict.ModelValueStart);
        Assert.Equal(lenient.ModelValueLength, strict.ModelValueLength);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("\"text\"", "must be a JSON object")]
    [InlineData("{\"model\":\"a\"", "not valid JSON")]
    [InlineData("{\"model\":\"a\",}", "not valid JSON")]
    [InlineData("{\"a\":1} {\"b\":2}", "not valid JSON")]
    [InlineData("{\"a\":[1,2,}", "not valid JSON")]
    [InlineData("{\"model\":\"a\",\"model\":\"b\"}", "names the top-level key \"model\" more than once")]
    [InlineData("{\"model\":\"a\",\"mod\\u0065l\":\"b\"}", "names the top-level key \"model\" more than once")]
    [InlineData("{\"stream\":false,\"max_tokens\":1,\"stream\":true}", "\"stream\" more than once")]
    public void ParseObject_NotOneObject_SaysWhatIsWrong(string json, string expected)
    {
        var parsed = RequestBody.ParseObject(Encoding.UTF8.GetBytes(json), out var problem);

        Assert.Null(parsed);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseObject_NestingDeeperThan256_IsRefused()
    {
        var json = "{\"a\":" + new string('[', 300) + new string(']', 300) + "}";

        Assert.Null(RequestBody.ParseObject(Encoding.UTF8.GetBytes(json), out var problem));
        Assert.Contains("not valid JSON", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseObject_ManyDistinctKeys_IsAccepted_AndADuplicateAmongThemIsNot()
    {
        var keys = string.Join(",", Enumerable.Range(0, 500).Select(i => $"\"k{i}\":{i}"));

        Assert.NotNull(RequestBody.ParseObject(Encoding.UTF8.GetBytes("{" + keys + ",\"model\":\"m\"}"), out var fine));
        Assert.Null(fine);
        Assert.Null(RequestBody.ParseObject(Encoding.UTF8.GetBytes("{" + keys + ",\"k7\":1}"), out var problem));
        Assert.Contains("\"k7\" more than once", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public void ParseObject_InvalidUtf8InTheModel_IsRefused_AndParseDoesNotThrow(byte[] bad)
    {
        var bytes = Encoding.UTF8.GetBytes("{\"model\":\"claude").Concat(bad).Concat(Encoding.UTF8.GetBytes("\",\"max_tokens\":1}")).ToArray();

        Assert.Null(RequestBody.ParseObject(bytes, out var problem));
        Assert.Contains("UTF-8", problem, StringComparison.Ordinal);
        var lenient = RequestBody.Parse(bytes);
        Assert.Null(lenient.Model);
        Assert.Same(bytes, lenient.Bytes);
    }
}
