using System.Collections.Concurrent;

namespace Breakwater.Pipeline;

/// <summary>
/// Singleton home of all client state, keyed by client name (and inside, by model), so that IHttpClientFactory's
/// handler rotation never resets a budget, a breaker or a limit.
/// </summary>
internal sealed class BreakwaterRegistry(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ClientState> _clients = new(StringComparer.Ordinal);

    public TimeProvider Time { get; } = time;

    public ClientState Get(BreakwaterOptions options) =>
        _clients.GetOrAdd(options.Name, static (name, s) => new ClientState(name, s.options, s.time), (options, time: Time));

    public IEnumerable<ClientState> Clients => _clients.Values;
}
