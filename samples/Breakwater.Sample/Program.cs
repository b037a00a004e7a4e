using Anthropic;
using Anthropic.Models.Messages;
using Breakwater;

using var client = new AnthropicClient // reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL
{
    MaxRetries = 0,                     // Breakwater retries; the SDK must not stack its own
    Timeout = TimeSpan.FromMinutes(10), // one SDK call spans all of Breakwater's waits (SDK default: 30 s)
    Handlers = [new BreakwaterHandler()],
};
var message = await client.Messages.Create(new MessageCreateParams
{
    Model = "claude-sonnet-4-6", MaxTokens = 1024, Messages = [new UserMessageParam("Hello, Claude")],
});
Console.WriteLine(message.Content[0].TryPickText(out var text) ? text.Text : message.ToString());
