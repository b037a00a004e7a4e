using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Breakwater.Status;

/// <summary>
/// Reads a Statuspage v2 page (Anthropic's by default). Every call returns a result and never throws:
/// an unreachable, slow or malformed page reads as unknown. Results, failures included, are cached for
/// <see cref="StatusPageOptions.CacheDuration"/> so a storm of callers asks the page at most twice a minute.
/// Nothing here contacts a status page unless it is called: the library never does so unasked.
/// </summary>
public sealed class StatusPageClient : IDisposable
{
    internal const string SummaryPath = "api/v2/summary.json";
    internal const string IncidentsPath = "api/v2/incidents.json";
    internal const string UnresolvedPath = "api/v2/incidents/unresolved.json";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly StatusPageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (Task<object> Task, DateTimeOffset At)> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates a client with its own <see cref="HttpClient"/>.</summary>
    /// <param name="options">Where to read; default <see cref="StatusPageOptions"/>.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; default none.</param>
    public StatusPageClient(StatusPageOptions? options = null, TimeProvider? timeProvider = null, ILogger<StatusPageClient>? logger = null)
        : this(new HttpClient(), options, timeProvider, logger, ownsHttp: true)
    {
    }

    /// <summary>Creates a client over <paramref name="httpClient"/> (not disposed by this client).</summary>
    /// <param name="httpClient">The HTTP client to send with; its own timeout is left alone, <see cref="StatusPageOptions.Timeout"/> applies per fetch.</param>
    /// <param name="options">Where to read; default <see cref="StatusPageOptions"/>.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; default none.</param>
    public StatusPageClient(HttpClient httpClient, StatusPageOptions? options = null, TimeProvider? timeProvider = null, ILogger<StatusPageClient>? logger = null)
        : this(httpClient, options, timeProvider, logger, ownsHttp: false)
    {
    }

    private StatusPageClient(HttpClient httpClient, StatusPageOptions? options, TimeProvider? timeProvider, ILogger? logger, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _http = httpClient;
        _ownsHttp = ownsHttp;
        _options = options ?? new StatusPageOptions();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The options in use.</summary>
    public StatusPageOptions Options => _options;

    /// <summary>The overall indicator, the API component and the unresolved incidents (<c>/api/v2/summary.json</c>).</summary>
    /// <param name="cancellationToken">Cancels the wait; a cancelled call returns an unknown result.</param>
    public async Task<StatusPageResult> GetSummaryAsync(CancellationToken cancellationToken = default) =>
        (StatusPageResult)await GetCachedAsync(SummaryPath,
            (bytes, now) => StatusPageParser.ParseSummary(bytes, _options.ApiComponentName, now),
            (error, now) => StatusPageResult.Unknown(error, now), cancellationToken).ConfigureAwait(false);

    /// <summary>The most recent incidents, resolved ones included (<c>/api/v2/incidents.json</c>): used to match past episodes.</summary>
    /// <param name="cancellationToken">Cancels the wait; a cancelled call returns an unknown result.</param>
    public async Task<StatusIncidentList> GetIncidentsAsync(CancellationToken cancellationToken = default) =>
        (StatusIncidentList)await GetCachedAsync(IncidentsPath, StatusPageParser.ParseIncidents,
            StatusIncidentList.Unknown, cancellationToken).ConfigureAwait(false);

    /// <summary>The open incidents (<c>/api/v2/incidents/unresolved.json</c>).</summary>
    /// <param name="cancellationToken">Cancels the wait; a cancelled call returns an unknown result.</param>
    public async Task<StatusIncidentList> GetUnresolvedIncidentsAsync(CancellationToken cancellationToken = default) =>
        (StatusIncidentList)await GetCachedAsync(UnresolvedPath, StatusPageParser.ParseIncidents,
            StatusIncidentList.Unknown, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<object> GetCachedAsync(string path, Func<ReadOnlyMemory<byte>, DateTimeOffset, object> parse,
        Func<string, DateTimeOffset, object> unknown, CancellationToken cancellationToken)
    {
        Task<object> task;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (!_cache.TryGetValue(path, out var entry) || now - entry.At >= _options.EffectiveCacheDuration)
            {
                // One fetch per path at a time: concurrent callers share it. The fetch itself is not tied to any
                // caller's token, so one caller giving up does not fail the others.
                entry = (FetchAsync(path, parse, unknown), now);
                _cache[path] = entry;
            }

            task = entry.Task;
        }

        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return unknown("cancelled", _time.GetUtcNow());
        }
    }

    private async Task<object> FetchAsync(string path, Func<ReadOnlyMemory<byte>, DateTimeOffset, object> parse, Func<string, DateTimeOffset, object> unknown)
    {
        // Yield first so the cache entry is stored before any synchronous completion.
        await Task.Yield();
        string reason;
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        try
        {
            var uri = new Uri(EnsureTrailingSlash(_options.BaseUrl), path);
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                reason = $"http {(int)response.StatusCode}";
            }
            else
            {
                var body = await ReadBoundedAsync(response.Content, _options.MaxDocumentBytes, timeout.Token).ConfigureAwait(false);
                if (body is null)
                {
                    reason = "document too large";
                }
                else
                {
                    var result = parse(body.Value, _time.GetUtcNow());
                    if (result is StatusPageResult { IsKnown: false, Error: { } e1 })
                    {
                        StatusPageLog.Unknown(_logger, path, e1);
                    }
                    else if (result is StatusIncidentList { IsKnown: false, Error: { } e2 })
                    {
                        StatusPageLog.Unknown(_logger, path, e2);
                    }

                    return result;
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason = "timeout";
        }
        catch (HttpRequestException ex)
        {
            reason = ex.HttpRequestError == HttpRequestError.Unknown ? "unreachable" : $"unreachable ({ex.HttpRequestError})";
        }
        #pragma warning disable CA1031 // Catch-all by design: a status page must never fail a caller, whatever it sends or however the connection breaks.
        catch (Exception ex)
        {
            // A status page must never fail a caller, whatever it sends or however the connection breaks.
            reason = $"error ({ex.GetType().Name})";
        }
        #pragma warning restore CA1031

        StatusPageLog.Unknown(_logger, path, reason);
        return unknown(reason, _time.GetUtcNow());
    }

    private static Uri EnsureTrailingSlash(Uri baseUrl) =>
        baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    private static async Task<ReadOnlyMemory<byte>?> ReadBoundedAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > max)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        }
    }
}
