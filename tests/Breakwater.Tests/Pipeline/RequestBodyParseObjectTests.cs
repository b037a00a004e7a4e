using System.Text;
using Breakwater.Pipeline;

namespace Breakwater.Tests.Pipeline;

public sealed class RequestBodyParseObjectTests
{
    [Theory]
    [InlineData("{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")]
    [InlineData("{\"messages\":[{\"model\":\"inner\",\"stream\":true}],\"stream\":true,\"model\":\"claude-opus-4-1\"}")]
    [InlineData("{\"model\":{\"not\":\"a string\"},\"stream\":{\"x\":[1,2]}}")]
    [InlineData("{\"model\":\"a\",\"model\":\"b\",\"stream\":false}")]
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
}
