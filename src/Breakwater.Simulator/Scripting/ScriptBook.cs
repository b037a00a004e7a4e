using System.Text.Json;
using Breakwater.Simulator.Scenarios;

namespace Breakwater.Simulator.Scripting;

/// <summary>The queue of scripted responses. Thread-safe.</summary>
internal sealed class ScriptBook
{
    private readonly Lock _lock = new();
    private readonly List<ScriptedResponse> _pending = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    public void Add(IEnumerable<ScriptedResponse> responses)
    {
        lock (_lock)
        {
            _pending.AddRange(responses);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _pending.Clear();
        }
    }

    public ScriptedResponse? TryTake(string path)
    {
        lock (_lock)
        {
            var i = _pending.FindIndex(r => string.Equals(NormalisePath(r.Path), path, StringComparison.Ordinal));
            if (i < 0)
            {
                return null;
            }

            var response = _pending[i];
            _pending.RemoveAt(i);
            return response;
        }
    }

    /// <summary>Parses <c>[...]</c> or <c>{"responses":[...], "replace": bool}</c>.</summary>
    public static (List<ScriptedResponse> Responses, bool Replace) Parse(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var root = doc.RootElement;
        var replace = false;
        if (root.ValueKind == JsonValueKind.Object)
        {
            if (root.TryGetProperty("replace", out var r) && r.ValueKind is JsonValueKind.True)
            {
                replace = true;
            }

            if (!root.TryGetProperty("responses", out root))
            {
                throw new JsonException("expected an array of responses or an object with \"responses\"");
            }
        }

        var list = root.Deserialize<List<ScriptedResponse>>(ScenarioCatalog.JsonOptions) ?? [];
        var problems = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                problems.Add($"responses[{i}]: must be an object");
            }
            else if (list[i].Status is < 100 or > 999)
            {
                problems.Add($"responses[{i}].status: must be an HTTP status");
            }
            else if (list[i].Events is { } events && events.Any(e => e is null || string.IsNullOrEmpty(e.Event)))
            {
                problems.Add($"responses[{i}].events: every event needs a name");
            }
        }

        if (problems.Count > 0)
        {
            throw new JsonException(string.Join("; ", problems));
        }

        return (list, replace);
    }

    internal static string NormalisePath(string path)
    {
        var q = path.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            path = path[..q];
        }

        return path.Length > 1 ? path.TrimEnd('/') : path;
    }
}
