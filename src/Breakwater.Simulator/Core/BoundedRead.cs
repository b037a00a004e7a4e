using System.Buffers;

namespace Breakwater.Simulator.Core;

/// <summary>Reads a body up to a limit, so a huge upload cannot exhaust memory.</summary>
internal static class BoundedRead
{
    public static async Task<(byte[] Body, bool TooLarge)> ReadAsync(Stream stream, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(chunk, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    return (buffer.ToArray(), false);
                }

                if (buffer.Length + n > limit)
                {
                    return ([], true);
                }

                buffer.Write(chunk, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
