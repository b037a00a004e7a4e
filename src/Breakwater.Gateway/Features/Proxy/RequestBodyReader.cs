using System.Buffers;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>Reads a request body once, refusing to hold more than a limit.</summary>
internal static class RequestBodyReader
{
    /// <summary>The body, or <c>null</c> when it is longer than <paramref name="limit"/>. A ValueTask: most bodies have arrived with the headers, and a completed Task&lt;byte[]&gt; would be one more object per request.</summary>
    public static async ValueTask<byte[]?> ReadAsync(Stream body, long? contentLength, long limit, CancellationToken cancellationToken)
    {
        if (contentLength > limit)
        {
            return null;
        }

        if (contentLength is { } known)
        {
            var exact = new byte[known];
            var at = 0;
            while (at < exact.Length)
            {
                var read = await body.ReadAsync(exact.AsMemory(at), cancellationToken);
                if (read == 0)
                {
                    throw new IOException("The request body ended before its Content-Length.");
                }

                at += read;
            }

            return exact;
        }

        var writer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var memory = writer.GetMemory(16 * 1024);
            var read = await body.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return writer.WrittenSpan.ToArray();
            }

            writer.Advance(read);
            if (writer.WrittenCount > limit)
            {
                return null;
            }
        }
    }
}
