using System.IO.Pipelines;
using System.Text;
using Breakwater.Pipeline;
using Breakwater.Tests.TestKit;

namespace Breakwater.Tests.Pipeline;

public sealed class BodyTimeoutStreamTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(60);

    private static (BodyTimeoutStream Sut, Pipe Pipe, ObservableTimeProvider Time) CreateSut(TimeSpan? idle = null, TimeSpan? deadlineIn = null)
    {
        var time = new ObservableTimeProvider();
        var pipe = new Pipe();
        var sut = new BodyTimeoutStream(pipe.Reader.AsStream(), null, time, idle ?? Idle, time.GetUtcNow() + (deadlineIn ?? TimeSpan.FromMinutes(10)));
        return (sut, pipe, time);
    }

    private static async Task WriteAsync(Pipe pipe, string text)
    {
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Waits (bounded, real time) for a task that fake time has already decided.</summary>
    private static async Task<T> Settled<T>(Task<T> task) => await task.WaitAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task ReadAsync_UpstreamSilentPastIdleTimeout_FailsWithATimeout()
    {
        var (sut, _, time) = CreateSut();
        var buffer = new byte[64];

        var read = sut.ReadAsync(buffer).AsTask();
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<IOException>(() => Settled(read));
        Assert.True(BodyTimeoutStream.IsTimeout(error));
        Assert.Contains("60 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_DataKeepsComingWithinTheIdleTimeout_NeverTimesOut()
    {
        var (sut, pipe, time) = CreateSut();
        var buffer = new byte[64];

        // Five chunks 50 s apart: 250 s in all, never 60 s of silence.
        for (var i = 0; i < 5; i++)
        {
            var read = sut.ReadAsync(buffer).AsTask();
            time.Advance(TimeSpan.FromSeconds(50));
            Assert.False(read.IsCompleted);
            await WriteAsync(pipe, "chunk" + i);
            Assert.Equal(6, await Settled(read));
        }
    }

    [Fact]
    public async Task ReadAsync_SlowCallerBetweenReads_IsNotAnIdleUpstream()
    {
        var (sut, pipe, time) = CreateSut();
        var buffer = new byte[64];
        var first = sut.ReadAsync(buffer).AsTask();
        await WriteAsync(pipe, "one");
        Assert.Equal(3, await Settled(first));

        // The caller takes 5 minutes before reading again; the upstream had sent its next chunk meanwhile.
        await WriteAsync(pipe, "two");
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(3, await Settled(sut.ReadAsync(buffer).AsTask()));
    }

    [Fact]
    public async Task ReadAsync_DribbleWithinIdleButPastTheDeadline_FailsAtTheDeadline()
    {
        var (sut, pipe, time) = CreateSut(deadlineIn: TimeSpan.FromSeconds(35));
        var buffer = new byte[64];
        for (var i = 0; i < 3; i++)
        {
            var read = sut.ReadAsync(buffer).AsTask();
            time.Advance(TimeSpan.FromSeconds(10));
            await WriteAsync(pipe, "x");
            Assert.Equal(1, await Settled(read));
        }

        var last = sut.ReadAsync(buffer).AsTask();
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(last.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<IOException>(() => Settled(last));
        Assert.True(BodyTimeoutStream.IsTimeout(error));
        Assert.Contains("deadline", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_IdleTimeoutOff_OnlyTheDeadlineApplies()
    {
        var (sut, _, time) = CreateSut(idle: TimeSpan.Zero, deadlineIn: TimeSpan.FromMinutes(30));
        var read = sut.ReadAsync(new byte[8]).AsTask();

        time.Advance(TimeSpan.FromMinutes(29));
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(BodyTimeoutStream.IsTimeout(await Assert.ThrowsAsync<IOException>(() => Settled(read))));
    }

    [Fact]
    public async Task ReadAsync_CallerCancels_IsACancellationNotATimeout()
    {
        var (sut, _, _) = CreateSut();
        using var cancel = new CancellationTokenSource();
        var read = sut.ReadAsync(new byte[8], cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Settled(read));
    }

    [Fact]
    public async Task ReadAsync_BodyEnded_TheTimerIsGoneAndLaterTimeChangesNothing()
    {
        var (sut, pipe, time) = CreateSut();
        var buffer = new byte[64];
        await WriteAsync(pipe, "all");
        await pipe.Writer.CompleteAsync();
        Assert.Equal(3, await Settled(sut.ReadAsync(buffer).AsTask()));
        Assert.Equal(0, await Settled(sut.ReadAsync(buffer).AsTask()));

        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, await Settled(sut.ReadAsync(buffer).AsTask()));
        Assert.Single(time.CreatedTimers);
    }

    [Fact]
    public void Validate_BodyIdleTimeout_ZeroTurnsItOffNegativeIsAProblem()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), new BreakwaterOptions().BodyIdleTimeout);
        Assert.Empty(new BreakwaterOptions { BodyIdleTimeout = TimeSpan.Zero }.Validate());

        var problem = Assert.Single(new BreakwaterOptions { BodyIdleTimeout = TimeSpan.FromSeconds(-1) }.Validate());

        Assert.StartsWith("Breakwater:BodyIdleTimeout must not be negative", problem, StringComparison.Ordinal);
    }
}
