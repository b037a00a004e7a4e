using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Breakwater.Anthropic;
using Breakwater.Classification;

namespace Breakwater.Cli.Doctor;

/// <summary>
/// Sends a few minimal Messages requests (max_tokens 10) to one base URL, spaced through the TimeProvider, and
/// classifies each answer with the library's classifier. The key goes in the x-api-key header only; it is never
/// part of anything this probe returns.
/// </summary>
internal sealed class ApiProbe(HttpClient http, TimeProvider time)
{
    public const string AnthropicVersion = "2023-06-01";

    public async Task<ProbeResult> RunAsync(string target, Uri baseUrl, string apiKey, string model, int count, TimeSpan spacing, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        var attempts = new List<ProbeAttempt>(count);
        var endpoint = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/v1/messages");
        for (var i = 1; i <= count && !cancellationToken.IsCancellationRequested; i++)
        {
            if (i > 1 && spacing > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(spacing, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            attempts.Add(await SendOneAsync(i, endpoint, apiKey, model, requestTimeout, cancellationToken).ConfigureAwait(false));
        }

        return new ProbeResult { Target = target, BaseUrl = baseUrl.AbsoluteUri, Attempts = attempts };
    }

    private async Task<ProbeAttempt> SendOneAsync(int number, Uri endpoint, string apiKey, string model, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(requestTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new StringContent(Body(model), Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
            request.Headers.TryAddWithoutValidation("anthropic-version", AnthropicVersion);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var parsed = status is >= 200 and < 300 ? AnthropicError.Empty : await ErrorBodyParser.ParseAsync(response.Content, linked.Token).ConfigureAwait(false);
            var outcome = Classifier.Classify(status, response.Headers, parsed, time.GetUtcNow());
            return new ProbeAttempt
            {
                Number = number,
                StatusCode = status,
                Kind = outcome.Kind,
                ErrorType = outcome.ErrorType,
                Message = Scrub(outcome.Message ?? (outcome.RawExcerpt is { Length: > 0 } raw ? raw : null), apiKey),
                RequestId = outcome.RequestId,
                RateLimits = outcome.RateLimits,
                RetryAfter = outcome.Hints.RetryAfter,
                Elapsed = time.GetElapsedTime(started),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            var timedOut = ex is OperationCanceledException;
            var outcome = Classifier.ClassifyException(ex, attemptTimedOut: timedOut);
            return new ProbeAttempt
            {
                Number = number,
                Kind = outcome.Kind,
                Message = outcome.Message,
                NetworkError = NetworkErrorNames.Describe(ex, timedOut),
                Elapsed = time.GetElapsedTime(started),
            };
        }
    }

    /// <summary>A proxy or a misconfigured upstream may echo the key back; it must never reach the output.</summary>
    internal static string? Scrub(string? text, string apiKey)
    {
        if (text is null)
        {
            return null;
        }

        if (apiKey.Length > 0)
        {
            text = text.Replace(apiKey, "[redacted]", StringComparison.Ordinal);
        }

        return Breakwater.Telemetry.Journal.JournalRecordCodec.Scrub(text);
    }

    private static string Body(string model)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            w.WriteNumber("max_tokens", 10);
            w.WriteStartArray("messages");
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteString("content", "ping");
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
