using System.Net.Http.Headers;

namespace Breakwater.Tests.Anthropic;

/// <summary>Builds response headers the way they arrive off the wire (no validation, any value).</summary>
internal static class TestHeaders
{
    public static HttpResponseHeaders Of(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage();
        foreach (var (name, value) in headers)
        {
            Assert.True(response.Headers.TryAddWithoutValidation(name, value), $"header {name} was refused");
        }

        return response.Headers;
    }
}
