namespace Breakwater.Pipeline;

/// <summary>
/// A request body that hands its bytes to the pipeline as they are. <see cref="HttpContent.ReadAsByteArrayAsync()"/>
/// on a plain <see cref="ByteArrayContent"/> buffers a second copy (and a third inside its buffer); a gateway that has
/// already read the body once gives it to the pipeline in this form instead. The array must not change afterwards.
/// </summary>
internal sealed class RequestBodyContent(byte[] bytes) : ByteArrayContent(bytes)
{
    /// <summary>The bytes this content sends (the same array, not a copy).</summary>
    public byte[] Bytes { get; } = bytes;

    /// <summary>The body already parsed from <see cref="Bytes"/> by whoever checked it, or <c>null</c> (the pipeline parses it).</summary>
    public RequestBody? Parsed { get; init; }
}
