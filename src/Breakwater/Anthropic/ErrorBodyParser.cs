using System.Text;
using System.Text.Json;

namespace Breakwater.Anthropic;

/// <summary>Parses error bodies of any shape without throwing.</summary>
internal static class ErrorBodyParser
{
    /// <summary>How much of an error body is ever read: Anthropic's error bodies are a few hundred bytes.</summary>
    public const int MaxBodyPrefix = 64 * 1024;

    private const int ExcerptLength = 200;

    public static AnthropicError Parse(ReadOnlySpan<byte> body, bool truncated = false)
    {
        if (body.IsEmpty)
        {
            return AnthropicError.Empty with { Truncated = truncated };
        }

        var excerpt = Excerpt(body);
        var trimmed = body.TrimStart(" \t\r\n"u8);
        if (trimmed.Length > 0 && trimmed[0] == (byte)'<')
        {
            return new AnthropicError { IsHtml = true, RawExcerpt = excerpt, Truncated = truncated };
        }

        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            using var doc = JsonDocument.ParseValue(ref reader);
            return FromJson(doc.RootElement, excerpt, truncated);
        }
        catch (JsonException)
        {
            // Truncated or otherwise broken JSON still often names its type; a lenient scan keeps what it can.
            return new AnthropicError
            {
                Type = ScanString(body, "type", skipFirst: "error"),
                RequestId = ScanString(body, "request_id", skipFirst: null),
                RawExcerpt = excerpt,
                Truncated = truncated,
            };
        }
    }

    public static AnthropicError FromJson(JsonElement root, string excerpt, bool truncated)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new AnthropicError { RawExcerpt = excerpt, Truncated = truncated };
        }

        string? requestId = root.TryGetProperty("request_id", out var rid) && rid.ValueKind == JsonValueKind.String ? rid.GetString() : null;
        string? type = null;
        string? message = null;
        var shaped = false;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            shaped = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "error";
            type = error.TryGetProperty("type", out var et) && et.ValueKind == JsonValueKind.String ? et.GetString() : null;
            message = error.TryGetProperty("message", out var em) && em.ValueKind == JsonValueKind.String ? em.GetString() : null;
            shaped &= type is not null;
        }

        return new AnthropicError
        {
            Type = type,
            Message = message,
            RequestId = requestId,
            IsAnthropicShaped = shaped,
            RawExcerpt = excerpt,
            Truncated = truncated,
        };
    }

    internal static string Excerpt(ReadOnlySpan<byte> body)
    {
        var slice = body.Length > ExcerptLength * 4 ? body[..(ExcerptLength * 4)] : body;
        var text = Encoding.UTF8.GetString(slice);
        var sb = new StringBuilder(Math.Min(text.Length, ExcerptLength));
        foreach (var c in text)
        {
            if (sb.Length >= ExcerptLength)
            {
                break;
            }

            sb.Append(char.IsControl(c) ? ' ' : c);
        }

        return sb.ToString();
    }

    private static string? ScanString(ReadOnlySpan<byte> body, string key, string? skipFirst)
    {
        var text = Encoding.UTF8.GetString(body.Length > MaxBodyPrefix ? body[..MaxBodyPrefix] : body);
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, "\"" + key + "\"\\s*:\\s*\"([^\"]*)\""))
        {
            var value = m.Groups[1].Value;
            if (skipFirst is not null && value == skipFirst)
            {
                continue;
            }

            return value;
        }

        return null;
    }
}
