using System.Text.Json;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>A body on the pipeline routes must be one JSON object; anything else is answered here, not upstream.</summary>
internal static class JsonBodyCheck
{
    /// <summary><c>null</c> when the body is a well-formed JSON object, else what is wrong.</summary>
    public static string? Problem(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return "The request body is empty; expected a JSON object.";
        }

        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "The request body must be a JSON object.";
            }

            reader.Skip();
            return reader.Read() ? "The request body has data after its JSON object." : null;
        }
        catch (JsonException ex)
        {
            return "The request body is not valid JSON: " + ex.Message;
        }
    }
}
