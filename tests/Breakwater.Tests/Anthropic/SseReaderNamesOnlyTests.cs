using System.Text;
using Breakwater.Anthropic;

namespace Breakwater.Tests.Anthropic;

public sealed class SseReaderNamesOnlyTests
{
    [Theory]
    [InlineData("event: message_start\ndata: {\"a\":1}\n\nevent: ping\ndata: {}\n\nevent: content_block_delta\ndata: x\ndata: y\n\n", 1)]
    [InlineData("event: message_start\r\ndata: {}\r\n\r\n: comment\r\nevent:error\r\ndata: {\"type\":\"error\"}\r\n\r\n", 3)]
    [InlineData("\uFEFFevent: custom_thing\rdata: 1\r\revent: message_stop\ndata: {}\n\nevent: no_data\n\ndata: unnamed\n\n", 2)]
    [InlineData("event: \ndata: empty name\n\nevent: content_block_delta\nevent: message_stop\ndata: last name wins\n\n", 7)]
    public void Feed_NamesOnly_DispatchesTheSameEventsWithoutData(string stream, int chunk)
    {
        var bytes = Encoding.UTF8.GetBytes(stream);
        var full = new List<SseEvent>();
        var names = new List<SseEvent>();
        var fullReader = new SseReader();
        var namesReader = new SseReader(namesOnly: true);
        for (var at = 0; at < bytes.Length; at += chunk)
        {
            var part = bytes.AsSpan(at, Math.Min(chunk, bytes.Length - at));
            fullReader.Feed(part, full);
            namesReader.Feed(part, names);
        }

        Assert.NotEmpty(full);
        Assert.Equal(full.Select(e => (e.Event, e.Id)), names.Select(e => (e.Event, e.Id)));
        Assert.All(names, e => Assert.Equal("", e.Data));
    }
}
