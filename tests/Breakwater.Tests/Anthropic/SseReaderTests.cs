using System.Text;
using Breakwater.Anthropic;
using Breakwater.Classification;

namespace Breakwater.Tests.Anthropic;

// Parsing rules: the WHATWG HTML standard, section 9.2.6 "Interpreting an event stream". The Anthropic stream below
// follows the Messages streaming docs (message_start, ping, content_block_*, message_delta, message_stop, and
// `event: error` carrying an error body after a 200).
public sealed class SseReaderTests
{
    private const string AnthropicStream =
        "event: message_start\n" +
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-5\"}}\n\n" +
        "event: ping\n" +
        "data: {\"type\": \"ping\"}\n\n" +
        "event: content_block_start\n" +
        "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
        "event: content_block_delta\n" +
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Grüße 👋\"}}\n\n" +
        "event: error\n" +
        "data: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

    private static SseReader CreateSut() => new();

    private static List<SseEvent> FeedWhole(string stream) => FeedChunks(Encoding.UTF8.GetBytes(stream), [int.MaxValue]);

    private static List<SseEvent> FeedChunks(byte[] bytes, IEnumerable<int> chunkSizes)
    {
        var sut = CreateSut();
        var events = new List<SseEvent>();
        var offset = 0;
        using var sizes = chunkSizes.GetEnumerator();
        while (offset < bytes.Length)
        {
            var size = sizes.MoveNext() ? Math.Min(sizes.Current, bytes.Length - offset) : bytes.Length - offset;
            sut.Feed(bytes.AsSpan(offset, size), events);
            offset += size;
        }

        return events;
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Feed_AnyLineEnding_SameEvents(string eol)
    {
        var events = FeedWhole($"event: a{eol}data: 1{eol}data: 2{eol}{eol}data: 3{eol}{eol}");

        Assert.Equal([new SseEvent("a", "1\n2", null), new SseEvent("message", "3", null)], events);
    }

    [Fact]
    public void Feed_CrLfSplitAcrossChunks_IsOneLineEnd()
    {
        var sut = CreateSut();
        var events = new List<SseEvent>();

        sut.Feed("data: a\r"u8, events);
        sut.Feed("\ndata: b\r"u8, events);
        Assert.Empty(events);

        // The CR of the blank line ends it at once (a lone CR is a line end); its LF arriving later is not a second line.
        sut.Feed("\n\r"u8, events);
        sut.Feed("\n"u8, events);
        sut.Feed("data: c\n\n"u8, events);

        Assert.Equal([new SseEvent("message", "a\nb", null), new SseEvent("message", "c", null)], events);
    }

    [Fact]
    public void Feed_LoneCrThenText_CrEndsTheLine()
    {
        var sut = CreateSut();
        var events = new List<SseEvent>();

        sut.Feed("data: a\r"u8, events);
        sut.Feed("data: b\r\r"u8, events);

        Assert.Equal([new SseEvent("message", "a\nb", null)], events);
    }

    [Fact]
    public void Feed_OneByteAtATime_SameAsWhole()
    {
        var bytes = Encoding.UTF8.GetBytes(AnthropicStream.ReplaceLineEndings("\r\n"));

        var whole = FeedChunks(bytes, [int.MaxValue]);
        var bytewise = FeedChunks(bytes, Enumerable.Repeat(1, bytes.Length));

        Assert.Equal(5, whole.Count);
        Assert.Equal(whole, bytewise);
        Assert.Equal("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Grüße 👋\"}}", whole[3].Data);
    }

    [Fact]
    public void Feed_AnthropicStream_EventsInOrderAndErrorClassifies()
    {
        var events = FeedWhole(AnthropicStream);

        Assert.Equal(["message_start", "ping", "content_block_start", "content_block_delta", "error"], events.Select(e => e.Event));
        var error = ErrorBodyParser.Parse(events[4].Data);
        var outcome = Classifier.ClassifyStreamError(error, "req_1", afterFirstDelta: true, rateLimits: null);
        Assert.Equal("overloaded_error", error.Type);
        Assert.Equal(FailureKind.StreamInterrupted, outcome.Kind);
    }

    [Fact]
    public void Feed_Comments_Ignored()
    {
        var events = FeedWhole(": keep-alive\n:\ndata: x\n: in the middle\ndata: y\n\n: trailing\n\n");

        Assert.Equal([new SseEvent("message", "x\ny", null)], events);
    }

    [Fact]
    public void Feed_MultiLineData_JoinedWithLf()
    {
        var events = FeedWhole("data: {\ndata:   \"a\": 1\ndata: }\n\n");

        Assert.Equal("{\n  \"a\": 1\n}", Assert.Single(events).Data);
    }

    [Fact]
    public void Feed_OnlyOneLeadingSpaceStripped_AndColonsInValueKept()
    {
        var events = FeedWhole("data:no-space\ndata:  two: colons: here\n\n");

        Assert.Equal("no-space\n two: colons: here", Assert.Single(events).Data);
    }

    [Fact]
    public void Feed_UnknownEventTypesAndFields_Tolerated()
    {
        var events = FeedWhole("event: brand_new_event\nretry: 1000\nfoo: bar\nDATA: shouting\nweird\ndata: kept\n\n");

        Assert.Equal([new SseEvent("brand_new_event", "kept", null)], events);
    }

    [Fact]
    public void Feed_EventWithoutData_NotDispatched()
    {
        var events = FeedWhole("event: ping\n\nid: 7\n\nevent: x\nretry: 5\n\n\n\n");

        Assert.Empty(events);
    }

    [Fact]
    public void Feed_EmptyDataLine_DispatchedWithEmptyData()
    {
        var events = FeedWhole("data\n\ndata:\ndata:\n\n");

        Assert.Equal([new SseEvent("message", "", null), new SseEvent("message", "\n", null)], events);
    }

    [Fact]
    public void Feed_EventNameResetAfterDispatch_AndEmptyNameIsMessage()
    {
        var events = FeedWhole("event: one\ndata: a\n\ndata: b\n\nevent:\ndata: c\n\n");

        Assert.Equal(["one", "message", "message"], events.Select(e => e.Event));
    }

    [Fact]
    public void Feed_Id_PersistsUntilChangedAndEmptyIdResets()
    {
        var events = FeedWhole("id: 1\ndata: a\n\ndata: b\n\nid: 2\n\ndata: c\n\nid\ndata: d\n\n");

        Assert.Equal(["1", "1", "2", ""], events.Select(e => e.Id));
    }

    [Fact]
    public void Feed_IdContainingNull_Ignored()
    {
        var events = FeedWhole("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n");

        Assert.Equal(["1", "1"], events.Select(e => e.Id));
    }

    [Fact]
    public void Feed_IncompleteEventAtEndOfStream_NotDispatched()
    {
        var events = FeedWhole("data: complete\n\ndata: cut off\n");

        Assert.Equal([new SseEvent("message", "complete", null)], events);
    }

    [Fact]
    public void Feed_LeadingBomSplitAcrossChunks_Skipped()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "event: message_start\ndata: x\n\n"u8];

        var whole = FeedChunks(bytes, [int.MaxValue]);
        var split = FeedChunks(bytes, [1, 1, 1, 3]);

        Assert.Equal([new SseEvent("message_start", "x", null)], whole);
        Assert.Equal(whole, split);
    }

    [Fact]
    public void Feed_BomLaterInStream_IsContent()
    {
        var events = FeedWhole("data: a\n\ndata: \uFEFFb\n\n");

        Assert.Equal("\uFEFFb", events[1].Data);
    }

    [Fact]
    public void Feed_AlmostBomAtStart_BytesKeptAsLineContent()
    {
        byte[] bytes = [0xEF, 0xBB, (byte)'x', .. "\ndata: y\n\n"u8];

        var events = FeedChunks(bytes, [1, 1, 100]);

        Assert.Equal([new SseEvent("message", "y", null)], events);
    }

    [Fact]
    public void Feed_InvalidUtf8_ReplacedNotThrown()
    {
        byte[] bytes = [.. "data: "u8, 0xFF, 0xC3, .. "\n\n"u8];

        var events = FeedChunks(bytes, [int.MaxValue]);

        Assert.Equal("\uFFFD\uFFFD", Assert.Single(events).Data);
    }

    [Fact]
    public void Reset_MidEvent_StartsClean()
    {
        var sut = CreateSut();
        var events = new List<SseEvent>();
        sut.Feed("id: 9\nevent: x\ndata: half"u8, events);

        sut.Reset();
        sut.Feed("data: fresh\n\n"u8, events);

        Assert.Equal([new SseEvent("message", "fresh", null)], events);
        Assert.Equal("data: fresh\n\n"u8.Length, sut.BytesRead);
    }

    [Fact]
    public void BytesRead_CountsEveryByteFed()
    {
        var sut = CreateSut();
        var events = new List<SseEvent>();

        sut.Feed("data: a"u8, events);
        sut.Feed("\n\n"u8, events);
        sut.Feed(ReadOnlySpan<byte>.Empty, events);

        Assert.Equal(9, sut.BytesRead);
    }
}
