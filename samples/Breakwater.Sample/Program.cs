using Anthropic;
using Anthropic.Models.Messages;
using Breakwater;

using var client = new AnthropicClient // reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL
{
    MaxRetries = 0,                     // Breakwater retries; the SDK must not stack its own
    Timeout = TimeSpan.FromMinutes(10), // one SDK call spans all of Breakwater's waits (SDK default: 30 s)
    Handlers = [new BreakwaterHandler()],
};
using var response = await client.WithRawResponse.Messages.Create(new MessageCreateParams
{
    Model = "claude-sonnet-4-6", MaxTokens = 1024, Messages = [new UserMessageParam("Hello, Claude")],
});
var message = await response.Deserialize();
Console.WriteLine(message.Content[0].TryPickText(out var text) ? text.Text : message.ToString());
foreach (var (name, values) in response.Headers.Where(h => h.Key.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase)))
{
    Console.WriteLine($"{name}: {string.Join(",", values)}"); // what Breakwater did: attempts, request_ids, model
}
