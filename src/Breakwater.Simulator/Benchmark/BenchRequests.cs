using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Breakwater.Simulator.Benchmark;

/// <summary>The HTTP request of a logical request: the same bytes for every policy.</summary>
internal static class BenchRequests
{
    public const string ApiKey = "sk-ant-bench-0000";

    /// <summary>The key of a tenant run's background clients: other people's traffic has its own quota.</summary>
    public const string BackgroundApiKey = "sk-ant-bench-others";

    /// <summary>Where the benchmark's requests go (the in-process simulator answers whatever the host).</summary>
    public static readonly Uri BaseAddress = new("http://simulator.invalid/");

    private static readonly Uri Endpoint = new(BaseAddress, "v1/messages");

    public static byte[] Body(PlannedRequest plan)
    {
        ArgumentNullException.ThrowIfNull(plan);

        // Fixed-width index: every body of a model has the same length, so input tokens are the same for all.
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"model":"{{plan.Model.Name}}","max_tokens":{{plan.MaxTokens}},"stream":{{(plan.Stream ? "true" : "false")}},"messages":[{"role":"user","content":"Benchmark request {{plan.Index:D8}}: summarise the incident report in three sentences."}]}"""));
    }

    /// <summary>Input tokens the simulator charges for a request body (bytes / 4).</summary>
    public static int InputTokens(PlannedRequest plan) => Math.Max(1, Body(plan).Length / 4);

    public static HttpRequestMessage Create(PlannedRequest plan, string apiKey = ApiKey)
    {
        var content = new ByteArrayContent(Body(plan));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = content };
        request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        request.Options.Set(UpstreamTap.PlanOption, plan);
        return request;
    }
}
