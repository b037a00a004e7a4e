using System.Text;

namespace Breakwater.Tests.TestKit;

/// <summary>A read-only stream that returns the given chunks one read at a time, then ends or throws.</summary>
internal sealed class ChunkedStream(IEnumerable<string> chunks, Exception? failAtEnd = null) : Stream
{
    private readonly Queue<byte[]> _chunks = new(chunks.Select(c => Encoding.UTF8.GetBytes(c)));
    private byte[]? _current;
    private int _offset;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_current is null || _offset == _current.Length)
        {
            if (_chunks.Count == 0)
            {
                if (failAtEnd is not null)
                {
                    throw failAtEnd;
                }

                return 0;
            }

            _current = _chunks.Dequeue();
            _offset = 0;
        }

        var n = Math.Min(count, _current.Length - _offset);
        Array.Copy(_current, _offset, buffer, offset, n);
        _offset += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var tmp = new byte[buffer.Length];
        var n = Read(tmp, 0, tmp.Length);
        tmp.AsSpan(0, n).CopyTo(buffer.Span);
        return new ValueTask<int>(n);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
