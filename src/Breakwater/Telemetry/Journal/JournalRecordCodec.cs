using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Breakwater.Anthropic;
using Breakwater.Classification;
using Breakwater.Retry;
using Microsoft.Data.Sqlite;

namespace Breakwater.Telemetry.Journal;

/// <summary>Maps <see cref="AttemptRecord"/> to and from a journal row. Scrubs anything shaped like a credential.</summary>
internal static partial class JournalRecordCodec
{
    private const int MaxText = 500;
    private const int MaxName = 200;

    public static void Bind(SqliteCommand command, AttemptRecord r)
    {
        command.Parameters["$ts"].Value = r.Timestamp.ToUnixTimeMilliseconds();
        command.Parameters["$client"].Value = Clip(r.Client, MaxName) ?? "";
        command.Parameters["$model"].Value = Clip(r.Model, MaxName) ?? "";
        command.Parameters["$attempt"].Value = r.Attempt;
        command.Parameters["$status"].Value = (object?)r.StatusCode ?? DBNull.Value;
        command.Parameters["$kind"].Value = r.Kind.ToString();
        command.Parameters["$error_type"].Value = (object?)Clip(r.ErrorType, MaxName) ?? DBNull.Value;
        command.Parameters["$request_id"].Value = (object?)Clip(r.RequestId, MaxName) ?? DBNull.Value;
        command.Parameters["$rate_limits"].Value = (object?)EncodeRateLimits(r.RateLimits) ?? DBNull.Value;
        command.Parameters["$decision"].Value = r.Decision.ToString();
        command.Parameters["$give_up"].Value = r.GiveUp == GiveUpReason.None ? DBNull.Value : r.GiveUp.ToString();
        command.Parameters["$delay_ms"].Value = r.Delay is { } d ? (long)d.TotalMilliseconds : DBNull.Value;
        command.Parameters["$fallback_model"].Value = (object?)Clip(r.FallbackModel, MaxName) ?? DBNull.Value;
        command.Parameters["$message"].Value = (object?)Clip(Scrub(r.Message), MaxText) ?? DBNull.Value;
    }

    public static void AddParameters(SqliteCommand command)
    {
        foreach (var name in new[] { "$ts", "$client", "$model", "$attempt", "$status", "$kind", "$error_type", "$request_id", "$rate_limits", "$decision", "$give_up", "$delay_ms", "$fallback_model", "$message" })
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
    }

    public static AttemptRecord Read(SqliteDataReader row) => new()
    {
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(0)),
        Client = row.GetString(1),
        Model = row.GetString(2),
        Attempt = row.GetInt32(3),
        StatusCode = row.IsDBNull(4) ? null : row.GetInt32(4),
        Kind = Enum.TryParse<FailureKind>(row.GetString(5), out var kind) ? kind : FailureKind.Unknown,
        ErrorType = row.IsDBNull(6) ? null : row.GetString(6),
        RequestId = row.IsDBNull(7) ? null : row.GetString(7),
        RateLimits = row.IsDBNull(8) ? null : DecodeRateLimits(row.GetString(8)),
        Decision = Enum.TryParse<AttemptDecision>(row.GetString(9), out var decision) ? decision : AttemptDecision.GaveUp,
        GiveUp = !row.IsDBNull(10) && Enum.TryParse<GiveUpReason>(row.GetString(10), out var giveUp) ? giveUp : GiveUpReason.None,
        Delay = row.IsDBNull(11) ? null : TimeSpan.FromMilliseconds(row.GetInt64(11)),
        FallbackModel = row.IsDBNull(12) ? null : row.GetString(12),
        Message = row.IsDBNull(13) ? null : row.GetString(13),
    };

    /// <summary>Replaces anything that looks like an API key or bearer token: AttemptRecord holds none, but messages echo text from elsewhere.</summary>
    internal static string? Scrub(string? text) => text is null ? null : CredentialPattern().Replace(text, "[redacted]");

    internal static string? EncodeRateLimits(RateLimitSnapshot? snapshot)
    {
        if (snapshot is null || snapshot.Windows.Count == 0)
        {
            return null;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (name, window) in snapshot.Windows.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject(name);
                if (window.Limit is { } l)
                {
                    w.WriteNumber("limit", l);
                }

                if (window.Remaining is { } r)
                {
                    w.WriteNumber("remaining", r);
                }

                if (window.Reset is { } reset)
                {
                    w.WriteString("reset", reset.ToString("O", CultureInfo.InvariantCulture));
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static RateLimitSnapshot? DecodeRateLimits(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var windows = new Dictionary<string, RateLimitWindow>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                long? limit = p.Value.TryGetProperty("limit", out var l) && l.TryGetInt64(out var lv) ? lv : null;
                long? remaining = p.Value.TryGetProperty("remaining", out var r) && r.TryGetInt64(out var rv) ? rv : null;
                DateTimeOffset? reset = p.Value.TryGetProperty("reset", out var s) && s.ValueKind == JsonValueKind.String &&
                    DateTimeOffset.TryParse(s.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sv) ? sv : null;
                windows[p.Name] = new RateLimitWindow(limit, remaining, reset);
            }

            return new RateLimitSnapshot
            {
                Requests = windows.GetValueOrDefault("requests"),
                Tokens = windows.GetValueOrDefault("tokens"),
                InputTokens = windows.GetValueOrDefault("input-tokens"),
                OutputTokens = windows.GetValueOrDefault("output-tokens"),
                PriorityInputTokens = windows.GetValueOrDefault("priority-input-tokens"),
                PriorityOutputTokens = windows.GetValueOrDefault("priority-output-tokens"),
                Windows = windows,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Clip(string? s, int max) => s is null || s.Length <= max ? s : s[..max];

    [GeneratedRegex(@"sk-ant-[A-Za-z0-9_\-]+|(?i:bearer)\s+[A-Za-z0-9_\-\.=]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex CredentialPattern();
}
