using System.Net;
using Breakwater.Retry;

namespace Breakwater.Tests.Retry;

public sealed class ResponseGiveUpTests
{
    [Fact]
    public void FromWire_EveryReason_RoundTrips()
    {
        foreach (var reason in Enum.GetValues<GiveUpReason>())
        {
            Assert.Equal(reason, GiveUpReasons.FromWire(GiveUpReasons.ToWire(reason)));
        }
    }

    [Theory]
    [InlineData(" Queue ", GiveUpReason.Queue)]
    [InlineData("queued", null)]
    [InlineData("not-retryable-ish", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void FromWire_ExactNamesOnly(string? wire, GiveUpReason? expected)
    {
        Assert.Equal(expected, GiveUpReasons.FromWire(wire));
    }

    [Fact]
    public void Of_TypedValue_WinsOverTheHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/v1/messages");
        using var response = new HttpResponseMessage((HttpStatusCode)529) { RequestMessage = request };
        response.Headers.TryAddWithoutValidation(BreakwaterHeaders.GiveUp, "not-retryable");

        ResponseGiveUp.Set(response, GiveUpReason.Queue);

        Assert.Equal(GiveUpReason.Queue, ResponseGiveUp.Of(response));
    }

    [Fact]
    public void Of_MarkOfAnotherResponseOnTheSameRequest_Ignored()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/v1/messages");
        using var first = new HttpResponseMessage((HttpStatusCode)529) { RequestMessage = request };
        ResponseGiveUp.Set(first, GiveUpReason.Attempts);
        using var second = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };

        Assert.Null(ResponseGiveUp.Of(second));
    }

    [Theory]
    [InlineData("budget", GiveUpReason.Budget)]
    [InlineData("something-new", GiveUpReason.None)]
    [InlineData("attempts,breaker", GiveUpReason.Breaker)]
    public void Of_NoTypedValue_ReadsTheHeaderExactly(string header, GiveUpReason expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)529);
        response.Headers.TryAddWithoutValidation(BreakwaterHeaders.GiveUp, header);

        Assert.Equal(expected, ResponseGiveUp.Of(response));
    }

    [Fact]
    public void Of_NeitherTypedValueNorHeader_Null()
    {
        using var response = new HttpResponseMessage((HttpStatusCode)529);

        Assert.Null(ResponseGiveUp.Of(response));
    }
}
