using Breakwater.Anthropic;
using Breakwater.Simulator.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Breakwater.Simulator.Server;

/// <summary>Adapts HttpContext ⇄ the simulator core; no simulator logic lives here.</summary>
internal static class SimulatorHttpAdapter
{
    public static async Task HandleAsync(HttpContext context, Simulator simulator)
    {
        var ct = context.RequestAborted;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            headers[name] = values.ToString();
        }

        byte[] body;
        bool tooLarge;
        if (context.Request.ContentLength > Simulator.MaxBodyBytes)
        {
            (body, tooLarge) = ([], true);
        }
        else
        {
            try
            {
                (body, tooLarge) = await BoundedRead.ReadAsync(context.Request.Body, Simulator.MaxBodyBytes, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
            {
                return;
            }
        }

        TimeSpan? serviceTime = headers.TryGetValue("x-simulator-service-ms", out var ms)
            && double.TryParse(ms, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= 0
            ? TimeSpan.FromMilliseconds(v)
            : null;
        var request = new SimRequest
        {
            Method = context.Request.Method,
            Path = context.Request.Path.HasValue ? context.Request.Path.Value! : "/",
            Headers = headers,
            Body = body,
            BodyTooLarge = tooLarge,
            ServiceTimeOverride = serviceTime,
        };

        SimResponse response;
        try
        {
            response = await simulator.HandleAsync(request, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        #pragma warning disable CA1031 // Catch-all by design: any simulator bug becomes an Anthropic-shaped 500 api_error, as a real upstream would answer.
        catch (Exception e)
        {
            response = new SimResponse { Status = 500, ContentType = "application/json", Body = AnthropicErrorWriter.Json("api_error", "Simulator failure: " + e.GetType().Name, null) };
        }
        #pragma warning restore CA1031

        await WriteAsync(context, response, ct).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, SimResponse response, CancellationToken ct)
    {
        var http = context.Response;
        http.StatusCode = response.Status;
        if (response.ContentType is { } contentType)
        {
            http.ContentType = contentType;
        }

        foreach (var (name, value) in response.Headers)
        {
            http.Headers.Append(name, value);
        }

        if (response.Stream is not { } reader)
        {
            http.ContentLength = response.Body.Length;
            if (response.Body.Length > 0 && !HttpMethods.IsHead(context.Request.Method))
            {
                await http.Body.WriteAsync(response.Body, ct).ConfigureAwait(false);
            }

            return;
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await http.StartAsync(ct).ConfigureAwait(false);
            while (true)
            {
                var result = await reader.ReadAsync(ct).ConfigureAwait(false);
                foreach (var segment in result.Buffer)
                {
                    await http.Body.WriteAsync(segment, ct).ConfigureAwait(false);
                }

                await http.Body.FlushAsync(ct).ConfigureAwait(false);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away; the upstream's work goes on regardless.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}
