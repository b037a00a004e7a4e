using System.Text.Json;

namespace Breakwater.Simulator.Core;

/// <summary>What the core needs from a Messages request body, read leniently; <see cref="Problems"/> says what the
/// real API would reject.</summary>
internal sealed class MessageBody
{
    public bool IsJson { get; private init; }

    public string? Model { get; private init; }

    public int MaxTokens { get; private init; }

    public bool Stream { get; private init; }

    public List<string> Problems { get; } = [];

    public static MessageBody Parse(ReadOnlySpan<byte> body, bool requireMaxTokens)
    {
        if (body.IsEmpty)
        {
            var empty = new MessageBody();
            empty.Problems.Add("body: a JSON object is required");
            return empty;
        }

        try
        {
            using var doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 256 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                var notObject = new MessageBody { IsJson = true };
                notObject.Problems.Add("body: Input should be a valid dictionary or object");
                return notObject;
            }

            string? model = null;
            var maxTokens = 0;
            var stream = false;
            var problems = new List<string>();
            if (!root.TryGetProperty("model", out var m))
            {
                problems.Add("model: Field required");
            }
            else if (m.ValueKind != JsonValueKind.String)
            {
                problems.Add("model: Input should be a valid string");
            }
            else
            {
                model = m.GetString();
            }

            if (root.TryGetProperty("max_tokens", out var mt))
            {
                if (mt.ValueKind != JsonValueKind.Number || !mt.TryGetInt32(out maxTokens))
                {
                    problems.Add("max_tokens: Input should be a valid integer");
                }
                else if (maxTokens < 1)
                {
                    problems.Add("max_tokens: Input should be greater than or equal to 1");
                }
            }
            else if (requireMaxTokens)
            {
                problems.Add("max_tokens: Field required");
            }

            if (!root.TryGetProperty("messages", out var msgs))
            {
                problems.Add("messages: Field required");
            }
            else if (msgs.ValueKind != JsonValueKind.Array)
            {
                problems.Add("messages: Input should be a valid list");
            }

            if (root.TryGetProperty("stream", out var s))
            {
                if (s.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    stream = s.GetBoolean();
                }
                else
                {
                    problems.Add("stream: Input should be a valid boolean");
                }
            }

            var result = new MessageBody { IsJson = true, Model = model, MaxTokens = maxTokens, Stream = stream };
            result.Problems.AddRange(problems);
            return result;
        }
        catch (JsonException)
        {
            var bad = new MessageBody();
            bad.Problems.Add("There was an error parsing the body of your request: it is not valid JSON");
            return bad;
        }
    }
}
