using System.Text;
using Breakwater.Anthropic;

namespace Breakwater.Tests.Anthropic;

// Shapes checked against Anthropic's errors page (docs.claude.com/en/api/errors, searched 'anthropic api errors'):
// "Errors are always returned as JSON, with a top-level error object that always includes a type and message value.
// The response also includes a request_id field", and "type values may grow over time". The doc-link message and
// the 529 example come from the shared 529 field guide.
public sealed class ErrorBodyParserTests
{
    private const string Overloaded529 =
        """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded. https://docs.claude.com/en/api/errors"},"request_id":"req_011CZTPSK4MR5c9fkRz13TTk"}""";

    private static AnthropicError CreateSut(string body) => ErrorBodyParser.Parse(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void Parse_AnthropicShapedBodyWithRequestId_ReadsTypeMessageAndRequestId()
    {
        var error = CreateSut(Overloaded529);

        Assert.True(error.IsAnthropicShaped);
        Assert.False(error.IsHtml);
        Assert.False(error.Truncated);
        Assert.Equal("overloaded_error", error.Type);
        Assert.Equal("req_011CZTPSK4MR5c9fkRz13TTk", error.RequestId);
    }

    [Fact]
    public void Parse_AnthropicShapedBodyWithoutRequestId_RequestIdIsNull()
    {
        var error = CreateSut("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");

        Assert.True(error.IsAnthropicShaped);
        Assert.Equal("overloaded_error", error.Type);
        Assert.Equal("Overloaded", error.Message);
        Assert.Null(error.RequestId);
    }

    [Fact]
    public void Parse_MessageWithDocLink_KeepsMessageVerbatim()
    {
        var error = CreateSut(Overloaded529);

        Assert.Equal("Overloaded. https://docs.claude.com/en/api/errors", error.Message);
    }

    [Fact]
    public void Parse_PrettyPrintedBodyWithExtraFields_IsShaped()
    {
        var error = CreateSut("""
            {
              "type": "error",
              "error": { "type": "not_found_error", "message": "The requested resource could not be found.", "extra": [1, 2] },
              "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy",
              "future_field": {}
            }
            """);

        Assert.True(error.IsAnthropicShaped);
        Assert.Equal("not_found_error", error.Type);
        Assert.Equal("req_011CSHoEeqs5C35K2UUqR7Fy", error.RequestId);
    }

    [Theory]
    [InlineData("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>")]
    [InlineData("<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503</h1></body></html>")]
    [InlineData("\n\n  <html><body>529 Site is overloaded</body></html>")]
    [InlineData("\uFEFF<html><body>error</body></html>")]
    public void Parse_HtmlProxyPage_IsHtmlWithShortExcerpt(string page)
    {
        var error = CreateSut(page);

        Assert.True(error.IsHtml);
        Assert.False(error.IsAnthropicShaped);
        Assert.Null(error.Type);
        Assert.Null(error.RequestId);
        Assert.NotEmpty(error.RawExcerpt);
        Assert.True(error.RawExcerpt.Length <= ErrorBodyParser.ExcerptLength);
        Assert.DoesNotContain('\r', error.RawExcerpt);
        Assert.DoesNotContain('\n', error.RawExcerpt);
    }

    [Fact]
    public void Parse_EmptyBody_ReturnsEmpty()
    {
        var error = ErrorBodyParser.Parse(ReadOnlySpan<byte>.Empty);

        Assert.Same(AnthropicError.Empty, error);
        Assert.Null(error.Type);
        Assert.Equal("", error.RawExcerpt);
        Assert.False(error.IsAnthropicShaped);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\r\n\t ")]
    public void Parse_WhitespaceOnlyBody_NotShapedAndNoType(string body)
    {
        var error = CreateSut(body);

        Assert.False(error.IsAnthropicShaped);
        Assert.False(error.IsHtml);
        Assert.Null(error.Type);
    }

    [Theory]
    [InlineData("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"")]
    [InlineData("""{"type":"error","error":{"type":"overloaded_error","message":"Overl""")]
    [InlineData("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_01""")]
    [InlineData("""{"type": "error", "error": {"type" : "overloaded_error", """)]
    public void Parse_TruncatedJson_StillFindsErrorType(string body)
    {
        var error = CreateSut(body);

        Assert.Equal("overloaded_error", error.Type);
        Assert.False(error.IsAnthropicShaped);
        Assert.False(error.IsHtml);
        Assert.Equal(body, error.RawExcerpt);
    }

    [Theory]
    [InlineData("""{"type":"error","error":{"type":"overlo""")]
    [InlineData("""{"type":"error","err""")]
    [InlineData("""{""")]
    public void Parse_TruncatedJsonBeforeTheTypeValueEnds_TypeIsNull(string body)
    {
        var error = CreateSut(body);

        Assert.Null(error.Type);
        Assert.False(error.IsAnthropicShaped);
    }

    [Fact]
    public void Parse_TruncatedJson_RecoversMessageErrorCodeAndRequestId()
    {
        var error = CreateSut("""{"type":"error","request_id":"req_42","error":{"type":"rate_limit_error","message":"a \"quoted\" limit","details":{"error_code":"enforced_spend_limit_reached""" + "\"");

        Assert.Equal("rate_limit_error", error.Type);
        Assert.Equal("a \"quoted\" limit", error.Message);
        Assert.Equal("enforced_spend_limit_reached", error.ErrorCode);
        Assert.Equal("req_42", error.RequestId);
    }

    [Fact]
    public void Parse_FiveMegabyteBody_ReadsOnlyTheBoundedPrefixAndKeepsShortExcerpt()
    {
        // 5 MB of an HTML-less, never-ending JSON string: only MaxBodyPrefix (64 KB) of it is ever parsed.
        var body = Encoding.UTF8.GetBytes("""{"type":"error","error":{"type":"api_error","message":""" + "\"" + new string('x', 5 * 1024 * 1024));

        var error = ErrorBodyParser.Parse(body);

        Assert.True(error.Truncated);
        Assert.Equal("api_error", error.Type);
        Assert.True(error.RawExcerpt.Length <= ErrorBodyParser.ExcerptLength, $"excerpt is {error.RawExcerpt.Length} chars");
        Assert.Null(error.Message);
    }

    [Fact]
    public void Parse_FiveMegabytesOfBinaryJunk_DoesNotThrow()
    {
        var body = new byte[5 * 1024 * 1024];
        new Random(7).NextBytes(body);
        body[0] = (byte)'{';

        var error = ErrorBodyParser.Parse(body);

        Assert.True(error.Truncated);
        Assert.False(error.IsAnthropicShaped);
        Assert.True(error.RawExcerpt.Length <= ErrorBodyParser.ExcerptLength);
    }

    [Fact]
    public void Parse_ValidJsonLongerThanPrefix_IsCutAndMarkedTruncated()
    {
        var padding = new string(' ', ErrorBodyParser.MaxBodyPrefix);
        var error = CreateSut("""{"type":"error","error":{"type":"api_error","message":"boom"},""" + padding + "\"request_id\":\"req_far_away\"}");

        Assert.True(error.Truncated);
        Assert.False(error.IsAnthropicShaped);
        Assert.Equal("api_error", error.Type);
        Assert.Equal("boom", error.Message);
        Assert.Null(error.RequestId);
    }

    [Fact]
    public void Parse_BodyOfExactlyThePrefix_IsNotTruncated()
    {
        var json = "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"";
        var body = json + new string('a', ErrorBodyParser.MaxBodyPrefix - json.Length - 3) + "\"}}";
        Assert.Equal(ErrorBodyParser.MaxBodyPrefix, Encoding.UTF8.GetByteCount(body));

        var error = CreateSut(body);

        Assert.False(error.Truncated);
        Assert.True(error.IsAnthropicShaped);
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("""[{"type":"error","error":{"type":"overloaded_error","message":"x"}}]""")]
    [InlineData("42")]
    [InlineData("-0.5e10")]
    [InlineData("\"overloaded_error\"")]
    [InlineData("null")]
    [InlineData("true")]
    public void Parse_JsonThatIsNotAnObject_NotShapedAndNoType(string body)
    {
        var error = CreateSut(body);

        Assert.False(error.IsAnthropicShaped);
        Assert.Null(error.Type);
        Assert.Equal(body, error.RawExcerpt);
    }

    [Theory]
    [InlineData("""{"type":"error","error":"overloaded_error"}""")]
    [InlineData("""{"type":"error","error":{"type":529,"message":"Overloaded"}}""")]
    [InlineData("""{"type":"error","error":{"type":null}}""")]
    [InlineData("""{"type":"error","error":[{"type":"overloaded_error"}]}""")]
    [InlineData("""{"type":"error"}""")]
    [InlineData("""{"type":["error"],"error":{"message":7}}""")]
    public void Parse_WrongTypesInsideTheEnvelope_NotShapedAndNoType(string body)
    {
        var error = CreateSut(body);

        Assert.False(error.IsAnthropicShaped);
        Assert.Null(error.Type);
        Assert.Equal(body, error.RawExcerpt);
    }

    [Fact]
    public void Parse_WrongTypedRequestIdAndMessage_ReadAsNullButTypeKept()
    {
        var error = CreateSut("""{"type":"error","error":{"type":"api_error","message":{"text":"x"}},"request_id":12345}""");

        Assert.True(error.IsAnthropicShaped);
        Assert.Equal("api_error", error.Type);
        Assert.Null(error.Message);
        Assert.Null(error.RequestId);
    }

    [Fact]
    public void Parse_EnvelopeTypeIsNotError_NotShapedButTypeKept()
    {
        var error = CreateSut("""{"type":"message","error":{"type":"overloaded_error","message":"x"}}""");

        Assert.False(error.IsAnthropicShaped);
        Assert.Equal("overloaded_error", error.Type);
    }

    [Fact]
    public void Parse_UnknownErrorType_KeptVerbatim()
    {
        var error = CreateSut("""{"type":"error","error":{"type":"Quantum_Flux_Error ","message":"new in 2030"},"request_id":"req_x"}""");

        Assert.True(error.IsAnthropicShaped);
        Assert.Equal("Quantum_Flux_Error ", error.Type);
        Assert.Equal("new in 2030", error.Message);
    }

    [Fact]
    public void Parse_SpendCapBodyWithDetails_ReadsErrorCode()
    {
        // Rate limits page (platform.claude.com/docs/api/rate-limits), the monthly spend cap example.
        var error = CreateSut("""
            {"type":"error","error":{"type":"rate_limit_error",
             "message":"You have reached your API usage limits: your organization has crossed its monthly API usage threshold, set based on your organization's API tier. You will regain access on 2026-09-01 at 00:00 UTC.",
             "details":{"error_code":"enforced_spend_limit_reached"}},"request_id":"req_018EeWyXxfu5pfWkrYcMdjWG"}
            """);

        Assert.True(error.IsAnthropicShaped);
        Assert.Equal("enforced_spend_limit_reached", error.ErrorCode);
        Assert.True(ErrorBodyParser.IsSpendLimitCode(error.ErrorCode));
    }

    [Fact]
    public void Parse_DeeplyNestedJson_DoesNotThrow()
    {
        var body = new string('[', 100_000) + new string(']', 100_000);

        var error = CreateSut(body);

        Assert.False(error.IsAnthropicShaped);
        Assert.Null(error.Type);
    }

    [Fact]
    public void Parse_InvalidUtf8InsideAJsonString_DoesNotThrowAndKeepsTheRest()
    {
        // Utf8JsonReader does not validate the bytes inside strings; reading one as text throws InvalidOperationException.
        byte[] body = [.. """{"type":"error","error":{"type":"api_error","message":" """u8, 0xFF, 0xFE, 0xC3, .. "\"},\"request_id\":\"req_1\"}"u8];

        var error = ErrorBodyParser.Parse(body);

        Assert.True(error.IsAnthropicShaped);
        Assert.Equal("api_error", error.Type);
        Assert.Null(error.Message);
        Assert.Equal("req_1", error.RequestId);
    }

    [Fact]
    public void Parse_PlainTextBody_NotHtmlNotShapedExcerptKept()
    {
        var error = CreateSut("upstream connect error or disconnect/reset before headers. reset reason: overflow");

        Assert.False(error.IsHtml);
        Assert.False(error.IsAnthropicShaped);
        Assert.Null(error.Type);
        Assert.StartsWith("upstream connect error", error.RawExcerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Utf8BomBeforeJson_IsShaped()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Overloaded529)];

        var error = ErrorBodyParser.Parse(body);

        Assert.True(error.IsAnthropicShaped);
        Assert.Equal("overloaded_error", error.Type);
    }

    [Fact]
    public void Excerpt_ControlCharacters_ReplacedBySpaces()
    {
        var excerpt = ErrorBodyParser.Excerpt("a\r\nb\tc\0d"u8);

        Assert.Equal("a  b c d", excerpt);
    }

    [Fact]
    public void Excerpt_LongText_CutAt200CharsWithoutSplittingASurrogatePair()
    {
        // 199 ASCII chars then emoji (2 UTF-16 chars each): char 200 would be half of a pair.
        var text = new string('a', 199) + string.Concat(Enumerable.Repeat("\U0001F600", 10));

        var excerpt = ErrorBodyParser.Excerpt(Encoding.UTF8.GetBytes(text));

        Assert.Equal(new string('a', 199), excerpt);
        Assert.True(excerpt.Length <= ErrorBodyParser.ExcerptLength);
    }

    [Fact]
    public void Excerpt_MultiByteText_KeepsWholeCharacters()
    {
        var text = string.Concat(Enumerable.Repeat("日本\U0001F600", 100));

        var excerpt = ErrorBodyParser.Excerpt(Encoding.UTF8.GetBytes(text));

        Assert.Equal(200, excerpt.Length);
        Assert.Equal(text[..200], excerpt);
    }

    [Fact]
    public void Parse_StringOverload_SameResultAsBytes()
    {
        var fromString = ErrorBodyParser.Parse(Overloaded529);
        var fromBytes = CreateSut(Overloaded529);

        Assert.Equal(fromBytes, fromString);
        Assert.Same(AnthropicError.Empty, ErrorBodyParser.Parse((string?)null));
    }

    [Fact]
    public async Task ParseAsync_EndlessStream_ReadsAtMostThePrefixPlusOneByte()
    {
        using var stream = new EndlessStream((byte)'x');
        using var content = new StreamContent(stream);

        var error = await ErrorBodyParser.ParseAsync(content, CancellationToken.None);

        Assert.True(error.Truncated);
        Assert.True(stream.BytesServed <= ErrorBodyParser.MaxBodyPrefix + 1, $"read {stream.BytesServed} bytes");
        Assert.True(error.RawExcerpt.Length <= ErrorBodyParser.ExcerptLength);
    }

    [Fact]
    public async Task ParseAsync_SmallBody_ParsedAndNotTruncated()
    {
        using var content = new StringContent(Overloaded529);

        var error = await ErrorBodyParser.ParseAsync(content, CancellationToken.None);

        Assert.False(error.Truncated);
        Assert.Equal("overloaded_error", error.Type);
    }

    [Fact]
    public async Task ParseAsync_BodyBreaksOffMidway_ParsesWhatArrived()
    {
        using var stream = new BreakingStream(Encoding.UTF8.GetBytes("""{"type":"error","error":{"type":"overloaded_error","mes"""));
        using var content = new StreamContent(stream);

        var error = await ErrorBodyParser.ParseAsync(content, CancellationToken.None);

        Assert.True(error.Truncated);
        Assert.Equal("overloaded_error", error.Type);
    }

    [Fact]
    public async Task ParseAsync_NullContent_Empty()
    {
        var error = await ErrorBodyParser.ParseAsync(null, CancellationToken.None);

        Assert.Same(AnthropicError.Empty, error);
    }

    [Fact]
    public async Task ParseAsync_Cancelled_Throws()
    {
        using var stream = new EndlessStream((byte)'x');
        using var content = new StreamContent(stream);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ErrorBodyParser.ParseAsync(content, cts.Token));
    }

    private sealed class EndlessStream(byte fill) : Stream
    {
        public long BytesServed { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesServed; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill(fill);
            BytesServed += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            buffer.Span.Fill(fill);
            BytesServed += buffer.Length;
            return ValueTask.FromResult(buffer.Length);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class BreakingStream(byte[] prefix) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (_position >= prefix.Length)
            {
                throw new IOException("connection reset by peer");
            }

            var n = Math.Min(buffer.Length, prefix.Length - _position);
            prefix.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
