using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Breakwater.Anthropic;

/// <summary>
/// Parses error bodies of any shape without throwing. Only the first <see cref="MaxBodyPrefix"/> bytes of a body
/// are ever looked at: Anthropic's error bodies are a few hundred bytes, so anything longer is a proxy page or junk,
/// and reading it whole would let a misbehaving upstream make us allocate without bound.
/// </summary>
internal static partial class ErrorBodyParser
{
    /// <summary>How much of an error body is ever read (64 KB).</summary>
    public const int MaxBodyPrefix = 64 * 1024;

    /// <summary>How long <see cref="AnthropicError.RawExcerpt"/> can be, in UTF-16 chars.</summary>
    public const int ExcerptLength = 200;

    private const string SpendLimitErrorCode = "enforced_spend_limit_reached";

    /// <summary>Parses a body. A body longer than <see cref="MaxBodyPrefix"/> is cut to that prefix and marked truncated.</summary>
    /// <param name="body">The body bytes (or a prefix of them).</param>
    /// <param name="truncated"><c>true</c> when the caller already knows <paramref name="body"/> is only a prefix.</param>
    public static AnthropicError Parse(ReadOnlySpan<byte> body, bool truncated = false)
    {
        if (body.Length > MaxBodyPrefix)
        {
            body = body[..MaxBodyPrefix];
            truncated = true;
        }

        // A UTF-8 BOM is legal in front of JSON from some servers; Utf8JsonReader rejects it.
        if (body.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        if (body.IsEmpty)
        {
            return truncated ? AnthropicError.Empty with { Truncated = true } : AnthropicError.Empty;
        }

        var excerpt = Excerpt(body);
        var trimmed = body.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return new AnthropicError { RawExcerpt = excerpt, Truncated = truncated };
        }

        if (trimmed[0] == (byte)'<')
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
            return Scan(body, excerpt, truncated);
        }
    }

    /// <summary>Parses a body held as text, such as the data of an SSE <c>event: error</c>.</summary>
    public static AnthropicError Parse(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return AnthropicError.Empty;
        }

        // Encode at most what Parse would read anyway: a 4-byte-per-char worst case bounds the chars needed.
        var truncated = false;
        var chars = body.AsSpan();
        if (chars.Length > MaxBodyPrefix)
        {
            chars = chars[..MaxBodyPrefix];
            truncated = true;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(chars.Length));
        try
        {
            var n = Encoding.UTF8.GetBytes(chars, bytes);
            return Parse(bytes.AsSpan(0, n), truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// Reads at most <see cref="MaxBodyPrefix"/> bytes of <paramref name="content"/> and parses them; never throws for
    /// bad content (a read that fails part-way parses what arrived). The content's stream is consumed: call
    /// <see cref="HttpContent.LoadIntoBufferAsync()"/> first when the body must also be passed on.
    /// Cancellation of <paramref name="cancellationToken"/> is still thrown.
    /// </summary>
    public static async Task<AnthropicError> ParseAsync(HttpContent? content, CancellationToken cancellationToken)
    {
        if (content is null)
        {
            return AnthropicError.Empty;
        }

        Stream stream;
        try
        {
            stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or ObjectDisposedException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return Parse([], truncated: true);
        }

        await using (stream.ConfigureAwait(false))
        {
            var prefix = await BodyPrefix.ReadAsync(stream, MaxBodyPrefix, content.Headers.ContentLength, cancellationToken).ConfigureAwait(false);
            return Parse(prefix.Head(MaxBodyPrefix), prefix.Truncated(MaxBodyPrefix));
        }
    }

    public static AnthropicError FromJson(JsonElement root, string excerpt, bool truncated)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new AnthropicError { RawExcerpt = excerpt, Truncated = truncated };
        }

        var requestId = StringProperty(root, "request_id");
        string? type = null;
        string? message = null;
        string? errorCode = null;
        var shaped = false;
        if (TryGetProperty(root, "error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            shaped = StringProperty(root, "type") == "error";
            type = StringProperty(error, "type");
            message = StringProperty(error, "message");
            if (TryGetProperty(error, "details", out var details) && details.ValueKind == JsonValueKind.Object)
            {
                errorCode = StringProperty(details, "error_code");
            }

            shaped &= type is not null;
        }

        return new AnthropicError
        {
            Type = type,
            Message = message,
            ErrorCode = errorCode,
            RequestId = requestId,
            IsAnthropicShaped = shaped,
            RawExcerpt = excerpt,
            Truncated = truncated,
        };
    }

    /// <summary><c>true</c> when the body says the organisation's monthly spend cap was reached.</summary>
    public static bool IsSpendLimitCode(string? errorCode) => string.Equals(errorCode, SpendLimitErrorCode, StringComparison.Ordinal);

    internal static string Excerpt(ReadOnlySpan<byte> body)
    {
        // 4 bytes per char at most: this slice always holds enough for ExcerptLength chars.
        var slice = body.Length > ExcerptLength * 4 ? body[..(ExcerptLength * 4)] : body;
        var text = Encoding.UTF8.GetString(slice);
        var sb = new StringBuilder(Math.Min(text.Length, ExcerptLength));
        for (var i = 0; i < text.Length && sb.Length < ExcerptLength; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                // Never split a surrogate pair at the end: a lone surrogate breaks JSON writers and terminals downstream.
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) && sb.Length + 2 <= ExcerptLength)
                {
                    sb.Append(c).Append(text[i + 1]);
                    i++;
                    continue;
                }

                break;
            }

            sb.Append(char.IsControl(c) || char.IsSurrogate(c) ? ' ' : c);
        }

        return sb.ToString();
    }

    /// <summary>
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> that never throws: it compares every property
    /// name of the object, and one whose escapes are no characters (a lone surrogate such as <c>\udc00</c>) makes it
    /// throw <see cref="InvalidOperationException"/>; such a property is skipped (found by the fuzzer:
    /// <c>{"ty\udc00pe":…}</c> from an upstream made the pipeline throw while classifying the error).
    /// </summary>
    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        try
        {
            return element.TryGetProperty(name, out value);
        }
        catch (InvalidOperationException)
        {
            // The last of duplicate names wins, as in TryGetProperty itself.
            var found = false;
            value = default;
            foreach (var property in element.EnumerateObject())
            {
                if (SameName(property, name))
                {
                    value = property.Value;
                    found = true;
                }
            }

            return found;
        }
    }

    private static bool SameName(JsonProperty property, string name)
    {
        try
        {
            return property.NameEquals(name);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string? StringProperty(JsonElement element, string name)
    {
        if (!TryGetProperty(element, name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            // The reader checks JSON structure, not the UTF-8 inside strings: a broken string is dropped, not fatal.
            return null;
        }
    }

    private static AnthropicError Scan(ReadOnlySpan<byte> body, string excerpt, bool truncated)
    {
        try
        {
            return ScanText(Encoding.UTF8.GetString(body), excerpt, truncated);
        }
        catch (RegexMatchTimeoutException)
        {
            return new AnthropicError { RawExcerpt = excerpt, Truncated = truncated };
        }
    }

    private static AnthropicError ScanText(string text, string excerpt, bool truncated)
    {
        string? type = null;
        foreach (var m in TypePattern().EnumerateMatches(text))
        {
            // The first "type" is the envelope's ("error"); the error object's own type follows it.
            var value = Unquote(text.AsSpan(m.Index, m.Length));
            if (value is not null && value != "error")
            {
                type = value;
                break;
            }
        }

        return new AnthropicError
        {
            Type = type,
            Message = First(MessagePattern(), text),
            ErrorCode = First(ErrorCodePattern(), text),
            RequestId = First(RequestIdPattern(), text),
            RawExcerpt = excerpt,
            Truncated = truncated,
        };
    }

    private static string? First(Regex pattern, string text)
    {
        foreach (var m in pattern.EnumerateMatches(text))
        {
            return Unquote(text.AsSpan(m.Index, m.Length));
        }

        return null;
    }

    /// <summary>Decodes the JSON string that ends a match such as <c>"key" : "va\"lue"</c>.</summary>
    private static string? Unquote(ReadOnlySpan<char> match)
    {
        var colon = match.IndexOf(':');
        var literal = Encoding.UTF8.GetBytes(match[(colon + 1)..].Trim().ToString());
        try
        {
            var reader = new Utf8JsonReader(literal);
            return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    // Complete JSON string literals only ("..." with escapes): a value cut off by truncation is not guessed at.
    private const string StringLiteral = "\"(?:[^\"\\\\\\u0000-\\u001F]|\\\\.){0,4096}\"";

    [GeneratedRegex("\"type\"\\s*:\\s*" + StringLiteral, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TypePattern();

    [GeneratedRegex("\"message\"\\s*:\\s*" + StringLiteral, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex MessagePattern();

    [GeneratedRegex("\"error_code\"\\s*:\\s*" + StringLiteral, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ErrorCodePattern();

    [GeneratedRegex("\"request_id\"\\s*:\\s*" + StringLiteral, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex RequestIdPattern();
}
