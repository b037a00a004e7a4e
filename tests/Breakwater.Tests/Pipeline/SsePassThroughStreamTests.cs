using System.IO.Pipelines;
using System.Text;
using Breakwater.Pipeline;

namespace Breakwater.Tests.Pipeline;

public sealed class SsePassThroughStreamTests
{
    private const string Head = "event: message_start\ndata: {\"type\":\"message_start\"}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\"}\n\n";
    private const string Rest = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"lo\"}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    private static (SsePassThroughStream Sut, List<StreamEnd> Ends) CreateSut(string held, Stream inner)
    {
        var ends = new List<StreamEnd>();
        var bytes = Encoding.UTF8.GetBytes(held);
        return (new SsePassThroughStream(bytes, bytes.Length, inner, null, "req_test", ends.Add), ends);
    }

    private static async Task<string> ReadAllAsync(Stream stream, int bufferSize)
    {
        var output = new MemoryStream();
        var buffer = new byte[bufferSize];
        for (var guard = 0; guard < 100_000; guard++)
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                return Encoding.UTF8.GetString(output.ToArray());
            }

            output.Write(buffer, 0, n);
        }

        throw new InvalidOperationException("The stream never ended.");
    }

    [Fact]
    public async Task ReadAsync_HeldEventsDelivered_HoldsNoBufferWhileWaiting()
    {
        var pipe = new Pipe();
        var (sut, _) = CreateSut(Head, pipe.Reader.AsStream());

        var first = new byte[4096];
        var n = await sut.ReadAsync(first);

        Assert.Equal(Head, Encoding.UTF8.GetString(first, 0, n));
        Assert.False(sut.HoldsBuffer);
        await pipe.Writer.CompleteAsync();
    }

    [Fact]
    public async Task ReadAsync_ZeroByteRead_WaitsForDataWithoutABufferThenTheNextReadReturnsIt()
    {
        var pipe = new Pipe();
        var (sut, ends) = CreateSut(Head, pipe.Reader.AsStream());
        Assert.Equal(Head, await ReadExactlyAsync(sut, Head.Length));

        var waiting = sut.ReadAsync(Memory<byte>.Empty).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.False(sut.HoldsBuffer);

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(Rest));
        await pipe.Writer.CompleteAsync();

        Assert.Equal(0, await waiting);
        Assert.Equal(Rest, await ReadAllAsync(sut, 4096));
        Assert.True(Assert.Single(ends).Completed);
        Assert.False(sut.HoldsBuffer);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(7, 4096)]
    [InlineData(100, 16)]
    [InlineData(5000, 3)]
    public async Task ReadAsync_AnyChunking_DeliversTheStreamByteForByte(int chunk, int readSize)
    {
        var (sut, ends) = CreateSut(Head, new ChunkedStream(Encoding.UTF8.GetBytes(Rest + Rest), chunk));

        var body = await ReadAllAsync(sut, readSize);

        Assert.Equal(Head + Rest + Rest, body);
        Assert.True(Assert.Single(ends).Completed);
    }

    [Fact]
    public async Task ReadAsync_LargeEventAcrossManyReads_IsDeliveredWhole()
    {
        var big = "event: content_block_delta\ndata: " + new string('x', 20_000) + "\n\nevent: message_stop\ndata: {}\n\n";
        var (sut, _) = CreateSut(Head, new ChunkedStream(Encoding.UTF8.GetBytes(big), 1500));

        Assert.Equal(Head + big, await ReadAllAsync(sut, 700));
    }

    [Fact]
    public async Task ReadAsync_TruncatedMidEvent_DropsTheTornEventAndEndsWithAnErrorEvent()
    {
        var (sut, ends) = CreateSut(Head, new ChunkedStream(Encoding.UTF8.GetBytes("event: content_block_delta\ndata: {\"ty"), 4));

        var body = await ReadAllAsync(sut, 64);

        Assert.StartsWith(Head + "event: error\n", body, StringComparison.Ordinal);
        Assert.Contains("req_test", body, StringComparison.Ordinal);
        Assert.False(Assert.Single(ends).Completed);
        Assert.False(sut.HoldsBuffer);
    }

    private static async Task<string> ReadExactlyAsync(Stream stream, int length)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer);
        return Encoding.UTF8.GetString(buffer);
    }

    /// <summary>Returns its bytes at most <c>chunk</c> at a time; a zero-byte read returns at once.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, chunk), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
