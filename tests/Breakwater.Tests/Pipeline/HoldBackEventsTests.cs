using Breakwater.Anthropic;
using Breakwater.Pipeline;

namespace Breakwater.Tests.Pipeline;

public sealed class HoldBackEventsTests
{
    private static HoldBackEvents CreateSut(params string[] names)
    {
        var sut = new HoldBackEvents();
        foreach (var name in names)
        {
            sut.Add(new SseEvent(name, "", null));
        }

        return sut;
    }

    [Fact]
    public void Add_FirstDecisiveEventWins_LaterOnesIgnored()
    {
        var sut = CreateSut("message_start", "ping", "content_block_delta", "error", "message_stop");

        Assert.Equal("content_block_delta", sut.Decisive);
        Assert.False(sut.SawStop);
    }

    [Fact]
    public void Add_StopBeforeAnError_BothSeen()
    {
        var sut = CreateSut("message_start", "message_stop", "error");

        Assert.Equal("error", sut.Decisive);
        Assert.True(sut.SawStop);
    }

    [Fact]
    public void Add_NoDecisiveEvent_StaysUndecided()
    {
        var sut = CreateSut("message_start", "content_block_start", "ping");

        Assert.Null(sut.Decisive);
        Assert.False(sut.SawStop);
    }
}
