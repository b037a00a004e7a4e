using Anthropic;
using Anthropic.Models.Messages;
using Breakwater;

var client = new AnthropicClient
{
    MaxRetries = 0, // Breakwater retries; don't stack the SDK's retries on top
    Handlers = [new BreakwaterHandler(new BreakwaterOptions())],
};
var message = await client.Messages.Create(new MessageCreateParams
{
    Model = "claude-sonnet-4-6", MaxTokens = 1024, Messages = [new UserMessageParam("Hello, Claude")],
});
Console.WriteLine(message);
