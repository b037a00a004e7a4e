using System.Text.Json;

namespace Breakwater.Gateway.Tests.Support;

/// <summary>Asserts an Anthropic-shaped error made by the gateway itself.</summary>
internal static class ErrorBody
{
    public static async Task<string> AssertGatewayErrorAsync(HttpResponseMessage response, int status, string errorType)
    {
        Assert.Equal(status, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.Equal(errorType, root.GetProperty("error").GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("error").GetProperty("message").GetString()));
        var requestId = root.GetProperty("request_id").GetString()!;
        Assert.StartsWith("req_bw_", requestId, StringComparison.Ordinal);
        Assert.Equal(requestId, response.Headers.GetValues("request-id").Single());
        return requestId;
    }
}
