using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Breakwater.Anthropic;
using Microsoft.AspNetCore.Http;

namespace Breakwater.Gateway.Features.Proxy;

/// <summary>
/// Recognises a client's own retry, so it draws on the retry budget instead of starting a fresh call. The SDKs say so
/// with <c>x-stainless-retry-count</c> &gt; 0; Claude Code sends 0 every time, so an identical body from the same
/// credential within <see cref="GatewayOptions.ClientRetryWindow"/> after an earlier copy ended without success
/// (failed, gave up, or its client went away) counts too. A copy sent while an identical one is still in flight is a
/// new call (best-of-N sampling, a load test with one prompt): a client retries after its attempt ended, and one that
/// timed out disconnected first, which ends that copy. Only hashes are kept, never a key or a body.
/// </summary>
internal sealed class ClientRetryDetector
{
    private readonly ConcurrentDictionary<UInt128, long> _recent = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly int _capacity;
    private readonly Lock _pruneGate = new();
    private int _count;

    // Bodies up to this size are copied next to the key and path and hashed in one call; larger ones are streamed
    // into the digest rather than copied.
    private const int InlineBodyLimit = 64 * 1024;

    public ClientRetryDetector(GatewayOptions options, TimeProvider time)
    {
        _time = time;
        _window = options.ClientRetryWindow;
        _capacity = options.ClientRetryMemory;
    }

    /// <summary>What the detector saw: whether this is a retry (and why), and the fingerprint to forget once it succeeds.</summary>
    public readonly record struct Verdict(bool IsRetry, string? Reason, UInt128? Fingerprint);

    public Verdict Inspect(HttpRequest request, ReadOnlySpan<byte> body)
    {
        var byHeader = request.Headers.TryGetValue(AnthropicHeaders.StainlessRetryCount, out var count)
            && int.TryParse(count.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0;

        if (_window <= TimeSpan.Zero || _capacity == 0)
        {
            return new Verdict(byHeader, byHeader ? "x-stainless-retry-count" : null, null);
        }

        var fingerprint = Fingerprint(request, body);
        var repeated = _recent.TryGetValue(fingerprint, out var ended) && _time.GetUtcNow().UtcTicks - ended <= _window.Ticks;

        var reason = byHeader ? "x-stainless-retry-count" : repeated ? "same body from the same credential" : null;
        return new Verdict(byHeader || repeated, reason, fingerprint);
    }

    /// <summary>
    /// A call ended without success (an error answer, a give-up, an exception, or its client went away): the same body
    /// from the same credential within the window is the client's retry of it.
    /// </summary>
    public void Ended(UInt128? fingerprint)
    {
        if (fingerprint is not { } f || _window <= TimeSpan.Zero || _capacity == 0)
        {
            return;
        }

        var now = _time.GetUtcNow().UtcTicks;
        if (_recent.TryAdd(f, now))
        {
            // Counted here rather than with ConcurrentDictionary.Count, which takes every lock of the table on each call.
            if (Interlocked.Increment(ref _count) > _capacity)
            {
                Prune(now);
            }
        }
        else
        {
            _recent[f] = now;
        }
    }

    /// <summary>A call that succeeded is finished: sending the same body again later is a new call, not a retry.</summary>
    public void Forget(UInt128? fingerprint)
    {
        if (fingerprint is { } f && _recent.TryRemove(f, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    private void Prune(long now)
    {
        lock (_pruneGate)
        {
            foreach (var entry in _recent)
            {
                if (now - entry.Value > _window.Ticks)
                {
                    _recent.TryRemove(entry.Key, out _);
                }
            }

            // Still full of live entries: forgetting is safer than growing without bound.
            if (_recent.Count > _capacity)
            {
                _recent.Clear();
            }

            Volatile.Write(ref _count, _recent.Count);
        }
    }

    private static UInt128 Fingerprint(HttpRequest request, ReadOnlySpan<byte> body)
    {
        // SHA-256 of key \0 authorization \0 path \0 body. Each call into the native digest costs more than hashing a
        // typical body, so the small parts and (up to a size) the body go in one buffer and one call.
        var key = Header(request, AnthropicHeaders.ApiKey);
        var authorization = Header(request, AnthropicHeaders.Authorization);
        var path = request.Path.Value ?? "";
        var prefixLength = Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(authorization) + Encoding.UTF8.GetByteCount(path) + 3;
        var inline = body.Length <= InlineBodyLimit;
        var buffer = ArrayPool<byte>.Shared.Rent(prefixLength + (inline ? body.Length : 0));
        try
        {
            var at = Encoding.UTF8.GetBytes(key, buffer);
            buffer[at++] = 0;
            at += Encoding.UTF8.GetBytes(authorization, buffer.AsSpan(at));
            buffer[at++] = 0;
            at += Encoding.UTF8.GetBytes(path, buffer.AsSpan(at));
            buffer[at++] = 0;
            Span<byte> digest = stackalloc byte[32];
            if (inline)
            {
                body.CopyTo(buffer.AsSpan(at));
                SHA256.HashData(buffer.AsSpan(0, at + body.Length), digest);
            }
            else
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                hash.AppendData(buffer.AsSpan(0, at));
                hash.AppendData(body);
                hash.GetHashAndReset(digest);
            }

            return BinaryPrimitives.ReadUInt128LittleEndian(digest);
        }
        finally
        {
            // The key was in there.
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private static string Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var value) ? value.ToString() : "";
}
