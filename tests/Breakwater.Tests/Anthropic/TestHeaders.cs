using System.Net.Http.Headers;

namespace Breakwater.Tests.Anthropic;

/// <summary>Builds response headers the way they arrive off the wire (no validation, any value).</summary>
internal static class TestHeaders
{
    public static HttpResponseHeaders Of(params (string Name, string Value)[] headers)
    {
        // Disposing a message disposes only its content (none here): the headers stay readable.
        using var response = new HttpResponseMessage();
        foreach (var (name, value) in headers)
        {
            Assert.True(response.Headers.TryAddWithoutValidation(name, value), $"header {name} was refused");
        }

        return response.Headers;
    }
}
