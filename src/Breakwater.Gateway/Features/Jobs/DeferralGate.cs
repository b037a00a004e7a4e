using System.Text.Json;
using Breakwater.Anthropic;
using Breakwater.Deferral;
using Breakwater.Gateway.Features.Auth;
using Breakwater.Gateway.Features.Proxy;
using Breakwater.Gateway.Hosting;
using Breakwater.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Breakwater.Gateway.Features.Jobs;

/// <summary>
/// The Messages proxy's hook for <c>breakwater-defer</c>: checks the header before the call, and turns an overload
/// give-up into a durable job answered with 202.
/// </summary>
internal sealed class DeferralGate
{
    public const string DeferHeader = "breakwater-defer";
    public const string IdempotencyHeader = "idempotency-key";

    private readonly DeferralRuntime _runtime;
    private readonly GatewayOptions _options;
    private readonly CredentialVault _vault;
    private readonly TimeProvider _time;

    public DeferralGate(DeferralRuntime runtime, GatewayOptions options, CredentialVault vault, TimeProvider time)
    {
        _runtime = runtime;
        _options = options;
        _vault = vault;
        _time = time;
    }

    public DeferralCheck Check(HttpRequest request, ReadOnlySpan<byte> body)
    {
        if (!_options.Deferral.Enabled || !request.Headers.TryGetValue(DeferHeader, out var raw)
            || !string.Equals(request.Path.Value, "/v1/messages", StringComparison.Ordinal))
        {
            return DeferralCheck.None;
        }

        if (DeferDuration.Parse(raw.ToString()) is not { } delay)
        {
            return new DeferralCheck(true, "breakwater-defer must be a positive duration such as 90s, 30m or 2h.", TimeSpan.Zero, null);
        }

        if (delay > _options.Deferral.MaxDeadline)
        {
            return new DeferralCheck(true, $"breakwater-defer may be at most {(long)_options.Deferral.MaxDeadline.TotalSeconds}s.", TimeSpan.Zero, null);
        }

        // A deferral must fit at least one attempt: a job waits for its quiet period (bounded by its deadline, down to
        // MinQuietPeriod) and then for the next poll. Refused now, rather than a 202 whose job can only expire.
        var worker = _options.Deferral.Worker();
        if (delay < worker.ShortestDeferral)
        {
            var quiet = worker.QuietPeriodFor(delay);
            return new DeferralCheck(
                true,
                $"breakwater-defer must be at least {DeferralText.Seconds(worker.ShortestDeferral)} on this gateway (is {DeferralText.Duration(delay)}): "
                + $"a deferred job is sent only after its model has been quiet for {DeferralText.Duration(quiet)} (Breakwater:Deferral:MinQuietPeriod / QuietPeriod) "
                + $"and the queue is looked at every {DeferralText.Duration(worker.PollInterval)} (PollInterval), so a shorter deadline could not fit one attempt.",
                TimeSpan.Zero,
                null);
        }

        string? model = null;
        var stream = false;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isModel = reader.ValueTextEquals("model");
                    var isStream = reader.ValueTextEquals("stream");
                    reader.Read();
                    if (isModel && reader.TokenType == JsonTokenType.String)
                    {
                        model = reader.GetString();
                    }
                    else if (isStream && reader.TokenType == JsonTokenType.True)
                    {
                        stream = true;
                    }

                    reader.Skip();
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // The proxy's own JSON check reports malformed bodies (InvalidOperationException: a string or name that is
            // not valid Unicode, which the JSON check refuses too).
        }

        if (stream)
        {
            return new DeferralCheck(true, "Streaming requests can't be deferred: a deferred job's answer is collected later with GET /v1/breakwater/jobs/{id}. Remove breakwater-defer or set stream to false.", TimeSpan.Zero, model);
        }

        if (Credential(request) is null)
        {
            return new DeferralCheck(true, "breakwater-defer needs a credential (x-api-key or authorization): jobs are scoped to it.", TimeSpan.Zero, model);
        }

        return new DeferralCheck(true, null, delay, model);
    }

    /// <summary>When the idempotency key already names a job of this caller, answers 202 with it and returns true.</summary>
    public async Task<bool> TryAnswerExistingAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var key = IdempotencyKey(context.Request);
        if (key is null || Credential(context.Request) is null)
        {
            return false;
        }

        var store = await _runtime.GetStoreAsync(create: false, cancellationToken).ConfigureAwait(false);
        if (store is null || await store.FindByIdempotencyKeyAsync(OwnerOf(context.Request), key, cancellationToken).ConfigureAwait(false) is not { } job)
        {
            return false;
        }

        await WriteAcceptedAsync(context, job).ConfigureAwait(false);
        return true;
    }

    public async Task DeferAsync(HttpContext context, DeferralCheck check, byte[] body, string reason, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var credential = Credential(request)!.Value;
        var managed = _options.Auth.Mode == GatewayAuthMode.Managed;
        var headers = new List<DeferredHeader>();
        foreach (var header in request.Headers)
        {
            var name = header.Key;
            if (!HeaderRules.ForwardRequestHeader(name, request.Headers.Connection, managed)
                || name.StartsWith(BreakwaterHeaders.Prefix, StringComparison.OrdinalIgnoreCase)
                || name.Equals(HeaderNames.AcceptEncoding, StringComparison.OrdinalIgnoreCase)
                || name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase)
                || name.Equals(IdempotencyHeader, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            headers.AddRange(header.Value.Where(v => v is not null).Select(v => new DeferredHeader(name, v!)));
        }

        var store = (await _runtime.GetStoreAsync(create: true, cancellationToken).ConfigureAwait(false))!;
        var deferred = new DeferredRequest(request.Method, (request.Path + request.QueryString).ToString(), headers, body);
        byte[]? secret = managed ? null : _vault.Protect(credential.Name, credential.Value);
        var result = await store.EnqueueAsync(
            OwnerOf(request),
            IdempotencyKey(request),
            check.Model,
            deferred,
            _time.GetUtcNow() + check.Delay,
            secret,
            reason,
            cancellationToken).ConfigureAwait(false);
        await WriteAcceptedAsync(context, result.Job).ConfigureAwait(false);
    }

    public static async Task WriteAcceptedAsync(HttpContext context, DeferredJob job)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status202Accepted;
        response.ContentType = "application/json";
        response.Headers["breakwater-job-id"] = job.Id;
        response.Headers.Location = "/v1/breakwater/jobs/" + job.Id;
        await response.Body.WriteAsync(JobJson.Serialize(job), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The caller's credential: the header that carried it and its value (the value is the owner's secret).</summary>
    internal static (string Name, string Value)? Credential(HttpRequest request)
    {
        var key = request.Headers[AnthropicHeaders.ApiKey].ToString();
        if (!string.IsNullOrEmpty(key))
        {
            return (AnthropicHeaders.ApiKey, key);
        }

        var auth = request.Headers.Authorization.ToString();
        return string.IsNullOrEmpty(auth) ? null : (AnthropicHeaders.Authorization, auth);
    }

    internal static string OwnerOf(HttpRequest request)
    {
        if (Credential(request) is not { } c)
        {
            return "anonymous";
        }

        // The same secret names the same owner whether it came as x-api-key or as a bearer token.
        var value = c.Name == AnthropicHeaders.Authorization && c.Value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? c.Value[7..].Trim() : c.Value;
        return CredentialHash.Of(value);
    }

    private static string? IdempotencyKey(HttpRequest request)
    {
        var key = request.Headers[IdempotencyHeader].ToString();
        return string.IsNullOrWhiteSpace(key) || key.Length > 256 ? null : key;
    }

    internal static Task RejectAsync(HttpContext context, string message) =>
        GatewayErrors.WriteAsync(context, StatusCodes.Status400BadRequest, AnthropicErrorTypes.InvalidRequest, message);
}
