using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Breakwater.Anthropic;
using Breakwater.Simulator.Core;

namespace Breakwater.Simulator;

/// <summary>
/// The simulator as an <see cref="HttpMessageHandler"/>: put it under an HttpClient (or the official SDK) and every
/// request is answered in-process by the <see cref="Simulator"/>, with no socket. Under a
/// <see cref="Time.VirtualTimeProvider"/> it never hops threads: responses and stream chunks arrive on the thread
/// that drives the clock.
/// </summary>
public sealed class SimulatedUpstream : HttpMessageHandler
{
    /// <summary>Request option pinning the service time of this request (default: drawn from the model's lognormal).</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> ServiceTimeOption = new("Breakwater.Simulator.ServiceTime");

    /// <summary>Request option pinning the output length in tokens (default: drawn, capped by max_tokens).</summary>
    public static readonly HttpRequestOptionsKey<int> OutputTokensOption = new("Breakwater.Simulator.OutputTokens");

    /// <summary>Serves <paramref name="simulator"/>.</summary>
    public SimulatedUpstream(Simulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        Simulator = simulator;
    }

    /// <summary>Serves a new simulator built from <paramref name="options"/> (default options when null).</summary>
    public SimulatedUpstream(SimulatorOptions? options = null)
        : this(new Simulator(options))
    {
    }

    /// <summary>The simulator behind this handler.</summary>
    public Simulator Simulator { get; }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sim = await ToSimRequestAsync(request, cancellationToken).ConfigureAwait(false);
        SimResponse response;
        try
        {
            response = await Simulator.HandleAsync(sim, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        #pragma warning disable CA1031 // Catch-all by design: any simulator bug becomes an Anthropic-shaped 500 api_error, as a real upstream would answer.
        catch (Exception e)
        {
            response = new SimResponse { Status = 500, ContentType = "application/json", Body = AnthropicErrorWriter.Json("api_error", "Simulator failure: " + e.GetType().Name, null) };
        }
        #pragma warning restore CA1031

        return ToHttpResponse(response, request);
    }

    /// <inheritdoc />
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        => SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    private static async Task<SimRequest> ToSimRequestAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers.TryAdd(name, string.Join(", ", values));
        }

        byte[] body = [];
        var tooLarge = false;
        if (request.Content is { } content)
        {
            foreach (var (name, values) in content.Headers)
            {
                headers.TryAdd(name, string.Join(", ", values));
            }

            if (content.Headers.ContentLength > Simulator.MaxBodyBytes)
            {
                tooLarge = true;
            }
            else if (content.Headers.ContentLength is not null)
            {
                // A known, allowed length (every in-process request): one exact copy, no chunked reading.
                body = await content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            }
            else
            {
                var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
                (body, tooLarge) = await BoundedRead.ReadAsync(stream, Simulator.MaxBodyBytes, ct).ConfigureAwait(false);
            }
        }

        TimeSpan? serviceTime = request.Options.TryGetValue(ServiceTimeOption, out var st) ? st : null;
        if (serviceTime is null && headers.TryGetValue("x-simulator-service-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var msValue) && msValue >= 0)
        {
            serviceTime = TimeSpan.FromMilliseconds(msValue);
        }

        var uri = request.RequestUri;
        var path = uri is null ? "/" : uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString;
        return new SimRequest
        {
            Method = request.Method.Method,
            Path = path,
            Headers = headers,
            Body = body,
            BodyTooLarge = tooLarge,
            ServiceTimeOverride = serviceTime,
            OutputTokensOverride = request.Options.TryGetValue(OutputTokensOption, out var ot) ? ot : null,
        };
    }

    private static HttpResponseMessage ToHttpResponse(SimResponse sim, HttpRequestMessage request)
    {
        HttpContent content = sim.Stream is { } reader ? new StreamContent(reader.AsStream()) : new ByteArrayContent(sim.Body);
        if (sim.ContentType is { } contentType)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = new HttpResponseMessage((HttpStatusCode)sim.Status) { RequestMessage = request, Content = content };
        foreach (var (name, value) in sim.Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }
}
