using Anthropic;
using Breakwater;
using Breakwater.Telemetry.Journal;
using Microsoft.Extensions.DependencyInjection;

// Options handed to the handler; the journal keeps every failed attempt in ~/.breakwater/journal.db.
var options = new BreakwaterOptions { TotalDeadline = TimeSpan.FromMinutes(2) };
options.Retry.Overloaded.MaxRetries = 6;
options.Fallback.Add("claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5");
await using var journal = new SqliteIncidentJournal();
using var client = new AnthropicClient
{
    MaxRetries = 0,
    Timeout = TimeSpan.FromMinutes(10),
    Handlers = [new BreakwaterHandler(options, incidentSink: journal)],
};

// The same through IHttpClientFactory: options where the client is registered, the journal as a service.
var services = new ServiceCollection();
services.AddBreakwaterJournal();
services.AddHttpClient("claude").AddBreakwater(o => o.Fallback.Add("claude-opus-4-6", "claude-sonnet-4-6"));
await using var provider = services.BuildServiceProvider();
using var factoryClient = new AnthropicClient
{
    MaxRetries = 0,
    Timeout = TimeSpan.FromMinutes(10),
    HttpClient = provider.GetRequiredService<IHttpClientFactory>().CreateClient("claude"),
};
