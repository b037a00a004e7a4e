using System.Globalization;
using System.Text;
using System.Text.Json;
using Breakwater.Anthropic;
using Breakwater.Simulator.Core;
using Breakwater.Simulator.Scripting;

namespace Breakwater.Simulator;

public sealed partial class Simulator
{
    private async Task<SimResponse> ServeScriptedAsync(ScriptedResponse script, SimRequest request, CancellationToken ct)
    {
        var capacity = Capacity;
        var requestId = capacity.NewId("req_");
        var body = MessageBody.Parse(request.Body, requireMaxTokens: false);
        var model = body.Model ?? capacity.Scenario.Models[0].Name;
        _stats.CountScripted();
        _stats.Record(body.Model, script.Status.ToString(CultureInfo.InvariantCulture), AttemptOf(request), request.Body);

        await Waits.DelayAsync(TimeProvider, TimeSpan.FromMilliseconds(script.DelayMs), ct).ConfigureAwait(false);

        var idForBody = script.OmitRequestId ? null : requestId;
        SimResponse response;
        if (script.Events is { } events)
        {
            var steps = new List<(TimeSpan, byte[])>(events.Count);
            var at = TimeSpan.Zero;
            foreach (var e in events)
            {
                at += TimeSpan.FromMilliseconds(Math.Max(0, e.DelayMs));
                steps.Add((at, AnthropicWire.Frame(e.Event, EventData(e, model, idForBody))));
            }

            response = StreamOf(script.Status, steps);
        }
        else if (script.Body is { } content)
        {
            var text = content.ValueKind == JsonValueKind.String ? content.GetString() ?? "" : content.GetRawText();
            var contentType = script.ContentType
                ?? (content.ValueKind == JsonValueKind.String && text.TrimStart().StartsWith('<') ? "text/html" : content.ValueKind == JsonValueKind.String ? "text/plain" : "application/json");
            response = new SimResponse { Status = script.Status, ContentType = contentType, Body = Encoding.UTF8.GetBytes(text) };
        }
        else if (script.Status >= 400)
        {
            response = JsonResponse(script.Status, AnthropicErrorWriter.Json(AnthropicErrorTypes.ForStatus(script.Status), AnthropicWire.DefaultMessageFor(script.Status), idForBody));
        }
        else if (script.Status is >= 200 and < 300 && body.Stream)
        {
            var messageId = capacity.NewId("msg_");
            var text = AnthropicWire.Text(Math.Clamp(body.MaxTokens, 1, 12), 0);
            var tokens = text.Split(' ').Length;
            response = StreamOf(script.Status,
            [
                (TimeSpan.Zero, AnthropicWire.MessageStart(messageId, model, InputTokensOf(request.Body))),
                (TimeSpan.Zero, AnthropicWire.ContentBlockStart()),
                (TimeSpan.Zero, AnthropicWire.Ping()),
                (TimeSpan.Zero, AnthropicWire.ContentBlockDelta(text)),
                (TimeSpan.Zero, AnthropicWire.ContentBlockStop()),
                (TimeSpan.Zero, AnthropicWire.MessageDelta("end_turn", tokens)),
                (TimeSpan.Zero, AnthropicWire.MessageStop()),
            ]);
        }
        else if (script.Status is >= 200 and < 300)
        {
            var text = AnthropicWire.Text(Math.Clamp(body.MaxTokens, 1, 12), 0);
            response = JsonResponse(script.Status, AnthropicWire.Message(capacity.NewId("msg_"), model, text, InputTokensOf(request.Body), text.Split(' ').Length, "end_turn"));
        }
        else
        {
            response = new SimResponse { Status = script.Status };
        }

        var hasOwnRequestId = script.Headers?.Keys.Any(k => string.Equals(k, "request-id", StringComparison.OrdinalIgnoreCase)) == true;
        if (!script.OmitRequestId && !hasOwnRequestId)
        {
            response.Headers.Add(new("request-id", requestId));
        }

        if (script.Headers is { } headers)
        {
            response.Headers.AddRange(headers);
        }

        return response;
    }

    private SimResponse StreamOf(int status, List<(TimeSpan, byte[])> steps)
    {
        var writer = new TimedSseWriter(TimeProvider, steps);
        var response = new SimResponse { Status = status, ContentType = "text/event-stream; charset=utf-8", Stream = writer.Reader };
        response.Headers.Add(new("cache-control", "no-cache"));
        writer.Start();
        return response;
    }

    private byte[] EventData(ScriptedEvent e, string model, string? requestId)
    {
        if (e.Data is { } data)
        {
            return data.ValueKind == JsonValueKind.String ? Encoding.UTF8.GetBytes(data.GetString() ?? "") : Encoding.UTF8.GetBytes(data.GetRawText());
        }

        // The standard data for the event name, without the "event:" framing that Frame adds back.
        var framed = e.Event switch
        {
            "message_start" => AnthropicWire.MessageStart(Capacity.NewId("msg_"), model, 10),
            "content_block_start" => AnthropicWire.ContentBlockStart(),
            "ping" => AnthropicWire.Ping(),
            "content_block_delta" => AnthropicWire.ContentBlockDelta("Hello"),
            "content_block_stop" => AnthropicWire.ContentBlockStop(),
            "message_delta" => AnthropicWire.MessageDelta("end_turn", 1),
            "message_stop" => AnthropicWire.MessageStop(),
            "error" => AnthropicErrorWriter.SseEvent(AnthropicErrorTypes.Overloaded, "Overloaded", requestId),
            _ => AnthropicWire.Frame(e.Event, "{}"u8),
        };
        var text = Encoding.UTF8.GetString(framed);
        var start = text.IndexOf("\ndata: ", StringComparison.Ordinal) + "\ndata: ".Length;
        return Encoding.UTF8.GetBytes(text[start..^2]);
    }
}
