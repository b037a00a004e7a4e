namespace Breakwater.Gateway.Features.Proxy;

/// <summary>
/// The <c>model</c> of a pipeline request must look like a model id: at most <see cref="GatewayOptions.MaxModelNameLength"/>
/// characters of <c>A-Z a-z 0-9 . _ : @ / -</c>. That admits every Anthropic, Bedrock and Vertex AI id
/// (<c>claude-sonnet-4-5</c>, <c>claude-sonnet-4-5@20250929</c>, <c>anthropic.claude-3-5-sonnet-20241022-v2:0</c>,
/// <c>us.anthropic.claude-3-7-sonnet-20250219-v1:0</c>, inference-profile ARNs) and keeps anything else out of the
/// per-model state, the metrics, the dashboard and the journal, which are keyed by it.
/// </summary>
internal static class ModelNameCheck
{
    /// <summary><c>null</c> when <paramref name="model"/> (the body's top-level string, or null when it has none) may be used, else what is wrong.</summary>
    public static string? Problem(string? model, int maxLength)
    {
        if (model is null)
        {
            // No model (or not a string): the upstream says what is wrong; the state is keyed by "" then.
            return null;
        }

        if (model.Length == 0)
        {
            return "model: must not be empty.";
        }

        if (model.Length > maxLength)
        {
            return $"model: must be at most {maxLength} characters (is {model.Length}).";
        }

        foreach (var c in model)
        {
            if (!IsAllowed(c))
            {
                return "model: may contain only letters, digits and . _ : @ / - (a model id such as claude-sonnet-4-5).";
            }
        }

        return null;
    }

    private static bool IsAllowed(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or ':' or '@' or '/' or '-';
}
