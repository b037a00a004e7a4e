using System.Text.Json;
using System.Text.Unicode;

namespace Breakwater.Pipeline;

/// <summary>
/// A request body read once. Every attempt sends these exact bytes (only <c>model</c> may be rewritten, for fallback).
/// Parsing is a single top-level scan; a body that is not JSON is still sent unchanged.
/// </summary>
internal sealed class RequestBody
{
    private RequestBody(byte[] bytes, string? model, bool stream, int modelValueStart, int modelValueLength)
    {
        Bytes = bytes;
        Model = model;
        IsStream = stream;
        ModelValueStart = modelValueStart;
        ModelValueLength = modelValueLength;
    }

    public static RequestBody Empty { get; } = new([], null, false, -1, 0);

    public byte[] Bytes { get; }

    /// <summary>The top-level <c>model</c>, or <c>null</c>.</summary>
    public string? Model { get; }

    /// <summary>Top-level <c>"stream": true</c>.</summary>
    public bool IsStream { get; }

    /// <summary>Offset of the model string token (including its quotes), or -1.</summary>
    internal int ModelValueStart { get; }

    internal int ModelValueLength { get; }

    public static RequestBody Parse(byte[] bytes)
    {
        string? model = null;
        var stream = false;
        int start = -1, length = 0;
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new RequestBody(bytes, null, false, -1, 0);
            }

            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
                {
                    break;
                }

                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }

                var isModel = NameIs(ref reader, "model"u8);
                var isStream = NameIs(ref reader, "stream"u8);
                if (!reader.Read())
                {
                    break;
                }

                if (isModel && reader.TokenType == JsonTokenType.String)
                {
                    // A model that is not valid Unicode (broken UTF-8, a lone surrogate escape) reads as none (the body is still sent as is).
                    model = TryGetString(ref reader);
                    start = model is null ? -1 : (int)reader.TokenStartIndex;
                    length = model is null ? 0 : (int)(reader.BytesConsumed - reader.TokenStartIndex);
                }
                else if (isStream)
                {
                    stream = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (or truncated): sent as is; the upstream will say what is wrong.
        }
        catch (InvalidOperationException)
        {
            // A model string that is not UTF-8 cannot be decoded: no model, sent as is; the upstream will say what is wrong.
            model = null;
            start = -1;
            length = 0;
        }

        return new RequestBody(bytes, model, stream, start, length);
    }

    /// <summary>
    /// One strict pass that both checks that <paramref name="bytes"/> is exactly one well-formed JSON object (valid
    /// UTF-8, depth at most 256, no top-level key twice, nothing after it) and reads what <see cref="Parse"/> reads. For the gateway, which must refuse anything
    /// else: one walk of the body instead of a check and then a parse. <c>null</c> with <paramref name="problem"/> set
    /// when the body is not one JSON object.
    /// </summary>
    internal static RequestBody? ParseObject(byte[] bytes, out string? problem)
    {
        if (bytes.Length == 0)
        {
            problem = "The request body is empty; expected a JSON object.";
            return null;
        }

        // JSON is UTF-8 (RFC 8259); one vectorised pass, before a string of the body is ever decoded.
        if (!Utf8.IsValid(bytes))
        {
            problem = "The request body is not valid UTF-8.";
            return null;
        }

        string? model = null;
        var stream = false;
        int start = -1, length = 0;
        var names = default(TopLevelNames);
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = "The request body must be a JSON object.";
                return null;
            }

            while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0))
            {
                // Every token here is a top-level property name followed by its value. A key named twice is refused:
                // readers disagree on which one counts (this one would take the last model, another the first).
                if (!names.Add(ref reader))
                {
                    problem = "The request body names the top-level key \"" + Shorten(reader.GetString()) + "\" more than once.";
                    return null;
                }

                var isModel = reader.ValueTextEquals("model"u8);
                var isStream = reader.ValueTextEquals("stream"u8);
                reader.Read();
                if (isModel && reader.TokenType == JsonTokenType.String)
                {
                    if (TryGetString(ref reader) is not { } value)
                    {
                        problem = "The request body is not valid JSON: the model is not valid Unicode text.";
                        return null;
                    }

                    model = value;
                    start = (int)reader.TokenStartIndex;
                    length = (int)(reader.BytesConsumed - reader.TokenStartIndex);
                }
                else if (isStream && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                {
                    stream = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    if (isStream)
                    {
                        stream = false;
                    }

                    reader.Skip();
                }
            }

            if (reader.Read())
            {
                problem = "The request body has data after its JSON object.";
                return null;
            }
        }
        catch (JsonException ex)
        {
            problem = "The request body is not valid JSON: " + ex.Message;
            return null;
        }
        catch (InvalidOperationException)
        {
            // A property name with an escape that is no character (a lone surrogate such as \udc00; found by the
            // fuzzer). Bytes that are not UTF-8 were refused above, and strings are read through TryGetString.
            problem = "The request body is not valid JSON: a property name is not valid Unicode.";
            return null;
        }
        finally
        {
            names.Dispose();
        }

        problem = null;
        return new RequestBody(bytes, model, stream, start, length);
    }

    private static string Shorten(string? name) =>
        name is null ? "" : name.Length <= 64 ? name : string.Concat(name.AsSpan(0, 64), "...");

    /// <summary>
    /// Whether the property name at the reader is <paramref name="name"/>; <c>false</c> for a name whose escapes are no
    /// characters (a lone surrogate such as <c>\udc00</c>), for which <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/>
    /// throws <see cref="InvalidOperationException"/> (found by the fuzzer: any such top-level key made the pipeline throw).
    /// </summary>
    private static bool NameIs(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        try
        {
            return reader.ValueTextEquals(name);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// The string at the reader, or <c>null</c> when it is not valid UTF-8: the reader checks JSON structure, not the
    /// UTF-8 inside strings nor that escapes are characters, and <see cref="Utf8JsonReader.GetString"/> throws <see cref="InvalidOperationException"/>
    /// for such a string (found by the fuzzer: a body with a broken model made the pipeline throw).
    /// </summary>
    private static string? TryGetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The same bytes with only the model string replaced.</summary>
    public RequestBody WithModel(string model)
    {
        if (ModelValueStart < 0 || model == Model)
        {
            return this;
        }

        var encoded = JsonEncodedText.Encode(model).EncodedUtf8Bytes;
        var result = new byte[Bytes.Length - ModelValueLength + encoded.Length + 2];
        Bytes.AsSpan(0, ModelValueStart).CopyTo(result);
        var at = ModelValueStart;
        result[at++] = (byte)'"';
        encoded.CopyTo(result.AsSpan(at));
        at += encoded.Length;
        result[at++] = (byte)'"';
        Bytes.AsSpan(ModelValueStart + ModelValueLength).CopyTo(result.AsSpan(at));
        return new RequestBody(result, model, IsStream, ModelValueStart, encoded.Length + 2);
    }
}
