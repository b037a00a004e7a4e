using System.Text;
using Breakwater.Anthropic;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Breakwater.Tests.Anthropic;

/// <summary>The SSE reader must not care where the network cut the bytes.</summary>
public sealed class SseReaderProperties
{
    // Values with 2-, 3- and 4-byte UTF-8 characters, colons and leading spaces, so splits land inside all of them.
    private static readonly string[] Values = ["", "x", "héllo", "日本語", "👋🏽 wave", " lead", "a: b", "{\"text\":\"Grüße\"}", "z"];
    private static readonly string[] Names = ["message_start", "content_block_delta", "ping", "error", "événement"];
    private static readonly string[] Eols = ["\n", "\r\n", "\r"];

    private sealed record ModelEvent(string? Name, string? Id, string[] Data, bool Comment);

    private sealed record Case(string Stream, List<SseEvent> Expected, int[] Cuts);

    private static readonly Gen<ModelEvent> EventGen =
        from name in Gen.OneOf(Gen.Constant<string?>(null), Gen.Elements(Names).Select(n => (string?)n))
        from id in Gen.OneOf(Gen.Constant<string?>(null), Gen.Constant<string?>(null), Gen.Elements("1", "42", "ид").Select(i => (string?)i))
        from lines in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Elements(Values), n))
        from comment in Gen.Elements(true, false)
        select new ModelEvent(name, id, lines, comment);

    private static readonly Gen<Case> CaseGen =
        from events in Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(EventGen, n))
        from eol in Gen.Elements(Eols)
        from cutCount in Gen.Choose(0, 12)
        from cutSeeds in Gen.ArrayOf(Gen.Choose(0, int.MaxValue), cutCount)
        select Build(events, eol, cutSeeds);

    private static Case Build(ModelEvent[] events, string eol, int[] cutSeeds)
    {
        var sb = new StringBuilder();
        var expected = new List<SseEvent>();
        string? lastId = null;
        foreach (var e in events)
        {
            if (e.Comment)
            {
                sb.Append(": keep-alive").Append(eol);
            }

            if (e.Name is not null)
            {
                sb.Append("event: ").Append(e.Name).Append(eol);
            }

            if (e.Id is not null)
            {
                sb.Append("id: ").Append(e.Id).Append(eol);
                lastId = e.Id;
            }

            foreach (var line in e.Data)
            {
                sb.Append("data: ").Append(line).Append(eol);
            }

            sb.Append(eol);
            if (e.Data.Length > 0)
            {
                expected.Add(new SseEvent(e.Name ?? "message", string.Join('\n', e.Data), lastId));
            }
        }

        var stream = sb.ToString();
        var length = Encoding.UTF8.GetByteCount(stream);
        var cuts = cutSeeds.Select(s => s % (length + 1)).Order().ToArray();
        return new Case(stream, expected, cuts);
    }

    private static List<SseEvent> Feed(byte[] bytes, int[] cuts)
    {
        var sut = new SseReader();
        var events = new List<SseEvent>();
        var start = 0;
        foreach (var cut in cuts.Append(bytes.Length))
        {
            sut.Feed(bytes.AsSpan(start, cut - start), events);
            start = cut;
        }

        return events;
    }

    [Property(MaxTest = 500)]
    public Property Feed_AnySplitOfAValidStream_SameEventsAsWhole() =>
        Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            var bytes = Encoding.UTF8.GetBytes(c.Stream);
            var whole = Feed(bytes, []);
            var split = Feed(bytes, c.Cuts);
            return whole.SequenceEqual(split) && whole.SequenceEqual(c.Expected);
        });

    [Property(MaxTest = 200)]
    public Property Feed_EveryByteInItsOwnChunk_SameEventsAsModel() =>
        Prop.ForAll(CaseGen.ToArbitrary(), c =>
        {
            var bytes = Encoding.UTF8.GetBytes(c.Stream);
            var cuts = Enumerable.Range(1, Math.Max(0, bytes.Length - 1)).ToArray();
            return Feed(bytes, cuts).SequenceEqual(c.Expected);
        });
}
