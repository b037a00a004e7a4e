namespace Breakwater.Anthropic;

/// <summary>
/// The head of a body, read with a bound: the one way an error body is read (by the pipeline, the parser and the
/// doctor's probe), so a misbehaving upstream cannot make any of them allocate without limit or hang on a body
/// that never ends.
/// </summary>
internal readonly struct BodyPrefix
{
    private BodyPrefix(byte[] buffer, int length, bool ended, bool broken)
    {
        Buffer = buffer;
        Length = length;
        Ended = ended;
        Broken = broken;
    }

    /// <summary>The bytes read; the first <see cref="Length"/> are valid (up to the bound plus one byte).</summary>
    public byte[] Buffer { get; }

    /// <summary>How many bytes were read.</summary>
    public int Length { get; }

    /// <summary>Nothing more can be read from the stream: it ended, or it broke.</summary>
    public bool Ended { get; }

    /// <summary>The stream failed part-way (a connection reset, a disposed content): what arrived is all there is.</summary>
    public bool Broken { get; }

    /// <summary>Whether the body is longer than what <see cref="Head"/> returns, or broke off.</summary>
    public bool Truncated(int max) => Broken || !Ended || Length > max;

    /// <summary>At most <paramref name="max"/> bytes of what was read.</summary>
    public ReadOnlySpan<byte> Head(int max) => Buffer.AsSpan(0, Math.Min(Length, max));

    /// <summary>
    /// Reads up to <paramref name="max"/> + 1 bytes (the extra byte tells "exactly <paramref name="max"/>" from
    /// "longer" without reading the rest). A read that fails part-way returns what arrived, marked
    /// <see cref="Broken"/>; cancellation of <paramref name="cancellationToken"/> is thrown.
    /// </summary>
    /// <param name="stream">The body.</param>
    /// <param name="max">The bound.</param>
    /// <param name="contentLength">The declared length, to size the first buffer; null when unknown.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static async Task<BodyPrefix> ReadAsync(Stream stream, int max, long? contentLength, CancellationToken cancellationToken)
    {
        var limit = max + 1;
        var buffer = new byte[contentLength is > 0 && contentLength < limit ? (int)contentLength.Value + 1 : Math.Min(limit, 4096)];
        var length = 0;
        while (length < limit)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit));
            }

            int n;
            try
            {
                n = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or ObjectDisposedException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                return new BodyPrefix(buffer, length, ended: true, broken: true);
            }

            if (n == 0)
            {
                return new BodyPrefix(buffer, length, ended: true, broken: false);
            }

            length += n;
        }

        return new BodyPrefix(buffer, length, ended: false, broken: false);
    }
}
