using System.Buffers;
using System.Text.Json;

namespace Breakwater.Pipeline;

/// <summary>
/// The top-level property names of one JSON object seen so far, compared unescaped (<c>"mod\u0065l"</c> is
/// <c>"model"</c>), to refuse an object that names a key twice. Pooled buffers, no allocation per name; a linear
/// scan for the usual handful of keys, a hash set only for an object with very many.
/// </summary>
internal struct TopLevelNames : IDisposable
{
    private const int LinearLimit = 32;

    private byte[]? _arena;
    private int _arenaUsed;
    private int[]? _spans;
    private int _count;
    private HashSet<string>? _many;

    /// <summary>Adds the property name <paramref name="reader"/> is on; <c>false</c> when it was already there.</summary>
    public bool Add(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        _arena ??= ArrayPool<byte>.Shared.Rent(Math.Max(256, raw.Length));
        if (_arenaUsed + raw.Length > _arena.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_arena.Length * 2, _arenaUsed + raw.Length));
            _arena.AsSpan(0, _arenaUsed).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_arena);
            _arena = bigger;
        }

        var length = reader.ValueIsEscaped ? reader.CopyString(_arena.AsSpan(_arenaUsed)) : Copy(raw, _arena.AsSpan(_arenaUsed));
        var name = _arena.AsSpan(_arenaUsed, length);

        if (_many is not null)
        {
            return _many.Add(System.Text.Encoding.UTF8.GetString(name));
        }

        for (var i = 0; i < _count; i++)
        {
            if (_arena.AsSpan(_spans![2 * i], _spans[(2 * i) + 1]).SequenceEqual(name))
            {
                return false;
            }
        }

        if (_count == LinearLimit)
        {
            _many = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < _count; i++)
            {
                _many.Add(System.Text.Encoding.UTF8.GetString(_arena, _spans![2 * i], _spans[(2 * i) + 1]));
            }

            return _many.Add(System.Text.Encoding.UTF8.GetString(name));
        }

        _spans ??= ArrayPool<int>.Shared.Rent(2 * LinearLimit);
        _spans[2 * _count] = _arenaUsed;
        _spans[(2 * _count) + 1] = length;
        _count++;
        _arenaUsed += length;
        return true;
    }

    public void Dispose()
    {
        if (_arena is not null)
        {
            ArrayPool<byte>.Shared.Return(_arena);
            _arena = null;
        }

        if (_spans is not null)
        {
            ArrayPool<int>.Shared.Return(_spans);
            _spans = null;
        }
    }

    private static int Copy(ReadOnlySpan<byte> from, Span<byte> to)
    {
        from.CopyTo(to);
        return from.Length;
    }
}
