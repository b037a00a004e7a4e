using System.Net;
using System.Text;
using System.Text.Json;
using Breakwater.Simulator.Scripting;
using Breakwater.Simulator.Time;

namespace Breakwater.Simulator.Tests.Scripting;

public class ScriptedResponseTests
{
    private static (Simulator Sim, VirtualTimeProvider Clock, HttpMessageInvoker Invoker) CreateSut() => TestKit.Virtual();

    private static HttpResponseMessage Post(HttpMessageInvoker invoker, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(TestKit.BaseUri, path.TrimStart('/'))) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        return TestKit.Done(invoker.SendAsync(request, CancellationToken.None));
    }

    [Fact]
    public void Script_Three529sThenA429WithRetryAfter_ServedInOrderThenTheModel()
    {
        var (sim, clock, invoker) = CreateSut();
        using var posted = Post(invoker, "/simulator/script", """
            {"responses":[{"status":529},{"status":529},{"status":529},{"status":429,"headers":{"retry-after":"5"}}]}
            """);

        var statuses = new List<int>();
        var retryAfter = new List<string?>();
        var errorTypes = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            using var request = TestKit.Messages(retryCount: i);
            using var response = TestKit.Run(clock, invoker.SendAsync(request, CancellationToken.None));
            statuses.Add((int)response.StatusCode);
            retryAfter.Add(TestKit.Header(response, "retry-after"));
            Assert.NotNull(TestKit.Header(response, "request-id"));
            if (!response.IsSuccessStatusCode)
            {
                using var doc = JsonDocument.Parse(TestKit.ReadCompleted(response));
                errorTypes.Add(doc.RootElement.GetProperty("error").GetProperty("type").GetString());
                Assert.Equal(TestKit.Header(response, "request-id"), doc.RootElement.GetProperty("request_id").GetString());
            }
        }

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal([529, 529, 529, 429, 200], statuses);
        Assert.Equal([null, null, null, "5", null], retryAfter);
        Assert.Equal(["overloaded_error", "overloaded_error", "overloaded_error", "rate_limit_error"], errorTypes);
        var stats = sim.GetStatsJson();
        Assert.Contains("\"scripted\": 4", stats, StringComparison.Ordinal);
        Assert.Contains("\"repeatedBodies\": 4", stats, StringComparison.Ordinal);
        using var statsDoc = JsonDocument.Parse(stats);
        Assert.Equal(1, statsDoc.RootElement.GetProperty("byAttempt").GetProperty("5").GetProperty("200").GetInt32());
    }

    [Fact]
    public void Script_EventsWithDelays_StreamAsScripted()
    {
        var (sim, clock, invoker) = CreateSut();
        sim.Script([new ScriptedResponse
        {
            Events =
            [
                new ScriptedEvent { Event = "message_start" },
                new ScriptedEvent { Event = "content_block_start" },
                new ScriptedEvent { Event = "content_block_delta", DelayMs = 1000 },
                new ScriptedEvent { Event = "error", DelayMs = 500 },
            ],
        }]);

        using var request = TestKit.Messages(stream: true);
        using var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));
        var body = response.Content.ReadAsStringAsync();
        clock.Advance(TimeSpan.FromMilliseconds(1499));
        Assert.False(body.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var events = TestKit.ParseSse(TestKit.Done(body));

        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "error"], events.Select(e => e.Event));
        Assert.Contains("overloaded_error", events[^1].Data, StringComparison.Ordinal);
        Assert.Contains(TestKit.Header(response, "request-id")!, events[^1].Data, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_HtmlBodyWithoutRequestId_AndDelay()
    {
        var (sim, clock, invoker) = CreateSut();
        sim.Script([new ScriptedResponse { Status = 503, Body = JsonSerializer.SerializeToElement("<html>bad gateway</html>"), OmitRequestId = true, DelayMs = 2000 }]);

        using var request = TestKit.Messages();
        var task = invoker.SendAsync(request, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(task.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var response = TestKit.Done(task);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Null(TestKit.Header(response, "request-id"));
        Assert.Equal("<html>bad gateway</html>", TestKit.ReadCompleted(response));
    }

    [Fact]
    public void Script_PlainSuccessForAStream_IsTheFullSequence()
    {
        var (sim, _, invoker) = CreateSut();
        sim.Script([new ScriptedResponse()]);

        using var request = TestKit.Messages(stream: true);
        using var response = TestKit.Done(invoker.SendAsync(request, CancellationToken.None));
        var events = TestKit.ParseSse(TestKit.ReadCompleted(response));

        Assert.Equal(
            ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Event));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"nothing":1}""")]
    [InlineData("""[{"status":5}]""")]
    [InlineData("""[{"events":[{"data":"x"}]}]""")]
    public void Script_InvalidDocument_400AndNothingQueued(string body)
    {
        var (sim, _, invoker) = CreateSut();

        using var response = Post(invoker, "/simulator/script", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_request_error", TestKit.ReadCompleted(response), StringComparison.Ordinal);
        Assert.Equal(0, sim.PendingScriptedResponses);
    }

    [Fact]
    public void Script_ReplaceAndDelete_ManageTheQueue()
    {
        var (sim, _, invoker) = CreateSut();
        Post(invoker, "/simulator/script", """[{"status":529},{"status":529}]""").Dispose();
        Post(invoker, "/simulator/script", """{"replace":true,"responses":[{"status":500}]}""").Dispose();
        Assert.Equal(1, sim.PendingScriptedResponses);

        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(TestKit.BaseUri, "simulator/script"));
        TestKit.Done(invoker.SendAsync(request, CancellationToken.None)).Dispose();

        Assert.Equal(0, sim.PendingScriptedResponses);
    }
}
