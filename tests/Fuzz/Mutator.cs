using System.Text;

namespace Breakwater.Fuzz;

/// <summary>
/// Seeded mutations of valid samples: bit flips, interesting bytes, deletions, insertions of tokens the parsers care
/// about, truncations, splices of two samples, huge numbers and huge lengths (a range repeated up to ~1 MB).
/// The same seed gives the same inputs in the same order.
/// </summary>
internal sealed class Mutator(Random random, IReadOnlyList<byte[]> seeds)
{
    private const int MaxLength = 1 << 20;

    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xC0, 0xC3, 0xED, 0xEF, 0xBB, 0xBF, 0xF0, 0xF4, (byte)'\r', (byte)'\n', (byte)':', (byte)' ', (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'-', (byte)'.', (byte)'0', (byte)'9'];

    private static readonly byte[][] Tokens = [.. new[]
    {
        "\r\n", "\n\n", "\r\r", "\r\n\r\n", "event:", "event: ", "data:", "data: ", "id:", "retry:", ": ", "\uFEFF",
        "message_stop", "error", "content_block_delta", "{", "}", "[", "]", "\"", "\\", "\\u", "\\ud83d", "\\udc00", "\\u0000",
        "\"type\":", "\"error\":", "\"message\":", "\"request_id\":", "\"details\":{\"error_code\":", "null", "true", "false",
        "99999999999999999999999", "-1", "0", "1e309", "-0", "NaN", "Infinity", "1.7976931348623157E+308", "922337203685.4775807",
        "GMT", "Mon, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "Feb 29", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-14:00",
        "anthropic-ratelimit-", "anthropic-priority-", "-limit", "-remaining", "-reset", "retry-after", "retry-after-ms", "x-should-retry",
        "s", "m", "h", "d", "\u00e9", "\ud83d\ude00", "<html>",
    }.Select(Encoding.UTF8.GetBytes)];

    private byte[] _last = [];

    public byte[] Next()
    {
        // Half the time mutate the last input further (deeper changes), else start again from a sample.
        var data = random.Next(2) == 0 && _last.Length is > 0 and < MaxLength ? _last : seeds[random.Next(seeds.Count)];
        var buffer = new List<byte>(data);
        var rounds = 1 + random.Next(4);
        for (var i = 0; i < rounds; i++)
        {
            Mutate(buffer);
        }

        if (buffer.Count > MaxLength)
        {
            buffer.RemoveRange(MaxLength, buffer.Count - MaxLength);
        }

        _last = [.. buffer];
        return _last;
    }

    private void Mutate(List<byte> b)
    {
        switch (random.Next(10))
        {
            case 0 when b.Count > 0:
                var at = random.Next(b.Count);
                b[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when b.Count > 0:
                b[random.Next(b.Count)] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 2 when b.Count > 0:
                var start = random.Next(b.Count);
                b.RemoveRange(start, random.Next(Math.Min(b.Count - start, 64) + 1));
                break;
            case 3:
                b.InsertRange(random.Next(b.Count + 1), Tokens[random.Next(Tokens.Length)]);
                break;
            case 4 when b.Count > 0:
                // Huge lengths: a range repeated until the input is up to ~1 MB.
                var from = random.Next(b.Count);
                var length = 1 + random.Next(Math.Min(b.Count - from, 32));
                var chunk = b.GetRange(from, length);
                var times = random.Next(4) == 0 ? (MaxLength / 2) / length : 1 + random.Next(64);
                var repeated = new List<byte>(chunk.Count * times);
                for (var t = 0; t < times; t++)
                {
                    repeated.AddRange(chunk);
                }

                b.InsertRange(from, repeated);
                break;
            case 5 when b.Count > 0:
                var keep = random.Next(b.Count);
                b.RemoveRange(keep, b.Count - keep);
                break;
            case 6:
                // Splice: this input's head and another sample's tail.
                var other = seeds[random.Next(seeds.Count)];
                var cut = random.Next(b.Count + 1);
                b.RemoveRange(cut, b.Count - cut);
                b.AddRange(other.AsSpan(random.Next(other.Length + 1)).ToArray());
                break;
            case 7:
                var bytes = new byte[1 + random.Next(16)];
                random.NextBytes(bytes);
                b.InsertRange(random.Next(b.Count + 1), bytes);
                break;
            case 8:
                // A run of digits: numbers too large for any type.
                b.InsertRange(random.Next(b.Count + 1), Enumerable.Repeat((byte)('0' + random.Next(10)), 1 + random.Next(400)));
                break;
            default:
                b.InsertRange(random.Next(b.Count + 1), Tokens[random.Next(Tokens.Length)]);
                b.InsertRange(random.Next(b.Count + 1), Tokens[random.Next(Tokens.Length)]);
                break;
        }
    }
}
