using Breakwater.Anthropic;

namespace Breakwater.Pipeline;

/// <summary>
/// What the hold-back needs from the events of a stream, in order: whether <c>message_stop</c> went by, and the first
/// event that decides (an <c>error</c> or the first <c>content_block_delta</c>). Everything after that one is ignored:
/// a stream that arrives in one packet would otherwise fill a list with every event it has.
/// </summary>
internal sealed class HoldBackEvents : ICollection<SseEvent>
{
    /// <summary><c>error</c>, <c>content_block_delta</c>, or <c>null</c> while neither has been seen.</summary>
    public string? Decisive { get; private set; }

    /// <summary><c>message_stop</c> was seen before any decisive event.</summary>
    public bool SawStop { get; private set; }

    public int Count => 0;

    public bool IsReadOnly => false;

    public void Add(SseEvent item)
    {
        if (Decisive is not null)
        {
            return;
        }

        switch (item.Event)
        {
            case "error":
            case "content_block_delta":
                Decisive = item.Event;
                break;
            case "message_stop":
                SawStop = true;
                break;
        }
    }

    public void Clear() => throw new NotSupportedException();

    public bool Contains(SseEvent item) => throw new NotSupportedException();

    public void CopyTo(SseEvent[] array, int arrayIndex) => throw new NotSupportedException();

    public bool Remove(SseEvent item) => throw new NotSupportedException();

    public IEnumerator<SseEvent> GetEnumerator() => throw new NotSupportedException();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
