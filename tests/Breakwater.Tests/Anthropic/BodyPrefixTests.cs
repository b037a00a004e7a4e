using Breakwater.Anthropic;

namespace Breakwater.Tests.Anthropic;

public sealed class BodyPrefixTests
{
    private const int Max = 64;

    [Theory]
    [InlineData(0, false)]
    [InlineData(10, false)]
    [InlineData(Max, false)]
    [InlineData(Max + 1, true)]
    [InlineData(Max * 10, true)]
    public async Task ReadAsync_BodyOfLength_ReadsAtMostMaxPlusOneAndKnowsWhetherItIsTruncated(int length, bool truncated)
    {
        using var stream = new MemoryStream(Enumerable.Repeat((byte)'x', length).ToArray());

        var prefix = await BodyPrefix.ReadAsync(stream, Max, contentLength: null, CancellationToken.None);

        Assert.Equal(Math.Min(length, Max + 1), prefix.Length);
        Assert.Equal(Math.Min(length, Max), prefix.Head(Max).Length);
        Assert.Equal(truncated, prefix.Truncated(Max));
        Assert.Equal(!truncated, prefix.Ended);
        Assert.False(prefix.Broken);
        Assert.Equal(Math.Min(length, Max + 1), stream.Position);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthWrong_StillReadsWhatIsThere()
    {
        using var stream = new MemoryStream(Enumerable.Repeat((byte)'y', 50).ToArray());

        var prefix = await BodyPrefix.ReadAsync(stream, Max, contentLength: 3, CancellationToken.None);

        Assert.Equal(50, prefix.Length);
        Assert.True(prefix.Ended);
    }

    [Fact]
    public async Task ReadAsync_StreamBreaksMidway_KeepsWhatArrivedMarkedBrokenAndTruncated()
    {
        using var stream = new BreaksAfter("abcdef"u8.ToArray());

        var prefix = await BodyPrefix.ReadAsync(stream, Max, contentLength: 100, CancellationToken.None);

        Assert.Equal("abcdef"u8.ToArray(), prefix.Head(Max).ToArray());
        Assert.True(prefix.Broken);
        Assert.True(prefix.Ended);
        Assert.True(prefix.Truncated(Max));
    }

    [Fact]
    public async Task ReadAsync_Cancelled_Throws()
    {
        using var stream = new MemoryStream(new byte[10]);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BodyPrefix.ReadAsync(stream, Max, null, cts.Token));
    }

    private sealed class BreaksAfter(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = Read(buffer.Span);
            return n == 0 ? throw new IOException("connection reset by peer") : ValueTask.FromResult(n);
        }
    }
}
