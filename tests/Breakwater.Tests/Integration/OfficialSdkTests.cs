using System.Net;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Breakwater.Tests.TestKit;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Breakwater.Tests.Integration;

/// <summary>
/// End to end with the real official SDK (NuGet Anthropic, pinned) and Breakwater in its <c>Handlers</c>, against an
/// in-process Kestrel fake of the API. The HTTP round trips are real; Breakwater's waits run on a fake clock that the
/// test advances only once the wait is armed, so spacing is asserted exactly and nothing sleeps.
/// </summary>
public sealed class OfficialSdkTests
{
    private const string TestKey = "sk-ant-test";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan OneMs = TimeSpan.FromMilliseconds(1);

    private sealed class Sut(FakeAnthropicServer server, AnthropicClient client, ObservableTimeProvider time, RecordingHandler sent, FakeLogCollector logs, IReadOnlyList<IDisposable> owned) : IAsyncDisposable
    {
        private readonly Dictionary<TimeSpan, int> _armed = [];

        public FakeAnthropicServer Server { get; } = server;
        public AnthropicClient Client { get; } = client;
        public ObservableTimeProvider Time { get; } = time;
        public RecordingHandler Sent { get; } = sent;
        public FakeLogCollector Logs { get; } = logs;

        private int _expectedSent;

        /// <summary>Starts a call; its first attempt is expected next.</summary>
        public T Call<T>(Func<T> start)
        {
            _expectedSent++;
            return start();
        }

        /// <summary>
        /// The last attempt was answered and Breakwater armed a retry wait of exactly <paramref name="wait"/>: nothing is
        /// sent 1 ms before it expires, the next attempt is sent the instant it does.
        /// </summary>
        public void ExpectRetryAfter(TimeSpan wait)
        {
            var sent = _expectedSent;
            Assert.True(Server.WaitForAnswered(sent), $"the server did not answer attempt {sent}");
            _armed[wait] = _armed.GetValueOrDefault(wait) + 1;
            Assert.True(Time.WaitForTimer(wait, _armed[wait]), $"no retry wait of {wait} was armed after attempt {sent}; timers: {string.Join(", ", Time.CreatedTimers)}");
            Assert.Equal(sent, Sent.Count);

            Advance(wait - OneMs);
            Assert.Equal(sent, Sent.Count);

            // Normally already true when Advance returns (the continuation runs inline); the bounded spin only covers a
            // thread preempted between arming the timer and awaiting it. Fake time stands still meanwhile, so the
            // recorded send time is exact either way.
            Advance(OneMs);
            Assert.True(SpinWait.SpinUntil(() => Sent.Count == sent + 1, 10_000), $"attempt {sent + 1} was not sent when the wait of {wait} expired");
            _expectedSent++;
        }

        /// <summary>
        /// Advances the clock with no SynchronizationContext: xunit's would make the runtime queue Breakwater's
        /// continuation to the thread pool instead of running it inline where the timer fires.
        /// </summary>
        private void Advance(TimeSpan by)
        {
            var context = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                Time.Advance(by);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(context);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            foreach (var o in owned)
            {
                o.Dispose();
            }

            await Server.DisposeAsync();
        }
    }

    private static async Task<Sut> CreateSut(Func<int, HttpContext, Task> script, string apiKey = TestKey)
    {
        #pragma warning disable CA2000 // Ownership moves to the returned Sut: it disposes the client, the handlers and logger factory (owned), and the server.
        var server = await FakeAnthropicServer.StartAsync(script);
        var time = new ObservableTimeProvider();
        var logs = new FakeLogCollector();
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)).SetMinimumLevel(LogLevel.Trace));
        var options = new BreakwaterOptions { Name = "sdk-e2e-" + Guid.NewGuid().ToString("N") };
        var breakwater = new BreakwaterHandler(options, time, new FixedRandom(0), loggerFactory);
        var sent = new RecordingHandler(time);
        var client = new AnthropicClient
        {
            ApiKey = apiKey,
            BaseUrl = server.BaseUrl.ToString().TrimEnd('/'),
            MaxRetries = 0,
            // SDK 13.14.0 cuts a call at 30 s by default, and Breakwater's whole retry sequence is one call to it.
            Timeout = TimeSpan.FromMinutes(10),
            Handlers = [breakwater, sent],
        };
        return new Sut(server, client, time, sent, logs, [breakwater, sent, loggerFactory]);
        #pragma warning restore CA2000
    }

    private static MessageCreateParams Hi() => new()
    {
        Model = "claude-sonnet-4-6",
        MaxTokens = 64,
        Messages = [new UserMessageParam("Hi")],
    };

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
        }
    }

    private static string TextOf(IEnumerable<RawMessageStreamEvent> events) => string.Concat(events.Select(e =>
        e.TryPickContentBlockDelta(out var d) && d.Delta.TryPickText(out var t) ? t.Text : ""));

    [Fact]
    public async Task Create_Overloaded4TimesThenOk_SucceedsAfter5AttemptsAtPlanWaits()
    {
        await using var sut = await CreateSut((n, ctx) => n < 4
            ? FakeAnthropicServer.Error(ctx, 529, "overloaded_error", $"req_{n}")
            : FakeAnthropicServer.Message(ctx, "req_ok"));

        var call = sut.Call(() => sut.Client.Messages.Create(Hi()));
        foreach (var seconds in new[] { 1, 2, 4, 8 })
        {
            sut.ExpectRetryAfter(TimeSpan.FromSeconds(seconds));
        }

        var message = await call.WaitAsync(Bound);

        Assert.Equal("msg_01", message.ID);
        Assert.Equal(5, sut.Server.Requests.Count);
        Assert.All(sut.Server.Requests, r => Assert.Equal("/v1/messages", r.Path));
        // The SDK must not retry on its own (MaxRetries = 0): every attempt is its first as far as it knows.
        Assert.All(sut.Server.Requests, r => Assert.Contains(r.Header("x-stainless-retry-count"), new[] { null, "0" }));
        Assert.Equal([0, 1, 3, 7, 15], sut.Sent.SecondsOfAttempts());
    }

    [Fact]
    public async Task Create_Overloaded_SdkSendsRetryCountZeroOnEveryAttempt()
    {
        await using var sut = await CreateSut((n, ctx) => n < 1
            ? FakeAnthropicServer.Error(ctx, 529, "overloaded_error", $"req_{n}")
            : FakeAnthropicServer.Message(ctx, "req_ok"));

        var call = sut.Call(() => sut.Client.Messages.Create(Hi()));
        sut.ExpectRetryAfter(TimeSpan.FromSeconds(1));
        await call.WaitAsync(Bound);

        // Pins what SDK 13.14.0 sends: the header is present and stays "0" because Breakwater, not the SDK, retried.
        Assert.Equal(["0", "0"], sut.Server.Requests.Select(r => r.Header("x-stainless-retry-count")));
    }

    [Fact]
    public async Task Create_RateLimitedWithRetryAfter90_RetriesAfterExactly90SecondsNeverBefore()
    {
        await using var sut = await CreateSut((n, ctx) => n == 0
            ? FakeAnthropicServer.Error(ctx, 429, "rate_limit_error", "req_429", ("retry-after", "90"))
            : FakeAnthropicServer.Message(ctx, "req_ok"));

        var call = sut.Call(() => sut.Client.Messages.Create(Hi()));
        sut.ExpectRetryAfter(TimeSpan.FromSeconds(90));
        var message = await call.WaitAsync(Bound);

        Assert.Equal("msg_01", message.ID);
        Assert.Equal(2, sut.Server.Requests.Count);
        Assert.Equal([0, 90], sut.Sent.SecondsOfAttempts());
    }

    [Fact]
    public async Task Create_BadRequest_OneAttemptAndTheSdksBadRequestException()
    {
        await using var sut = await CreateSut((n, ctx) => FakeAnthropicServer.Error(ctx, 400, "invalid_request_error", $"req_{n}"));

        var ex = await Assert.ThrowsAsync<AnthropicBadRequestException>(() => sut.Client.Messages.Create(Hi()).WaitAsync(Bound));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Single(sut.Server.Requests);
        Assert.Equal(1, sut.Sent.Count);
        // No retry wait was ever armed (the only timers are attempt timeouts of minutes, or unarmed ones).
        Assert.DoesNotContain(sut.Time.CreatedTimers, t => t > TimeSpan.Zero && t < TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task CreateStreaming_OverloadBeforeFirstDelta_YieldsOneMessageStartAndTheFullText()
    {
        await using var sut = await CreateSut((n, ctx) => n == 0
            ? FakeAnthropicServer.Sse(ctx, "req_bad", Api.MessageStart() + Api.Ping + Api.StreamError("overloaded_error"))
            : FakeAnthropicServer.Sse(ctx, "req_good", Api.FullStream("Hello", ", ", "world")));
        var events = new List<RawMessageStreamEvent>();

        var read = sut.Call(() => Task.Run(async () =>
        {
            await foreach (var e in sut.Client.Messages.CreateStreaming(Hi()))
            {
                events.Add(e);
            }
        }));
        sut.ExpectRetryAfter(TimeSpan.FromSeconds(1));
        await read.WaitAsync(Bound);

        Assert.Equal(2, sut.Server.Requests.Count);
        Assert.Single(events, e => e.TryPickStart(out _));
        Assert.Single(events, e => e.TryPickStop(out _));
        Assert.Equal("Hello, world", TextOf(events));
    }

    [Fact]
    public async Task CreateStreaming_ConnectionResetAfterFirstDelta_SdkSurfacesAnErrorNotACleanEnd()
    {
        var deltaSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var sut = await CreateSut(async (n, ctx) =>
        {
            await FakeAnthropicServer.Sse(ctx, "req_mid", Api.MessageStart() + Api.BlockStart + Api.Delta("Hel"));
            // Reset only once the caller holds the delta, so the failure is surely after it.
            await deltaSeen.Task.WaitAsync(Bound);
            ctx.Abort();
        });
        var events = new List<RawMessageStreamEvent>();

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var e in sut.Client.Messages.CreateStreaming(Hi()).WithCancellation(CancellationToken.None))
            {
                events.Add(e);
                if (TextOf([e]).Length > 0)
                {
                    deltaSeen.TrySetResult();
                }
            }
        }).WaitAsync(Bound);

        Assert.IsAssignableFrom<AnthropicException>(ex);
        Assert.Equal("Hel", TextOf(events));
        Assert.DoesNotContain(events, e => e.TryPickStop(out _));
        Assert.Single(sut.Server.Requests);
    }

    [Fact]
    public async Task CreateStreaming_OverloadEventAfterFirstDelta_SdkSurfacesTheErrorAndNothingIsRetried()
    {
        await using var sut = await CreateSut((n, ctx) =>
            FakeAnthropicServer.Sse(ctx, "req_mid", Api.MessageStart() + Api.BlockStart + Api.Delta("Hel") + Api.StreamError("overloaded_error")));
        var events = new List<RawMessageStreamEvent>();

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var e in sut.Client.Messages.CreateStreaming(Hi()))
            {
                events.Add(e);
            }
        }).WaitAsync(Bound);

        Assert.IsAssignableFrom<AnthropicException>(ex);
        Assert.Contains("overloaded", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Hel", TextOf(events));
        Assert.Single(sut.Server.Requests);
    }

    [Fact]
    public async Task Create_FailuresAndGiveUps_ApiKeyNeverInLogsOrExceptionMessages()
    {
        await using var sut = await CreateSut(
            (n, ctx) => n switch
            {
                0 => FakeAnthropicServer.Error(ctx, 529, "overloaded_error", "req_0"),
                1 => FakeAnthropicServer.Error(ctx, 429, "rate_limit_error", "req_1", ("retry-after", "2")),
                2 => FakeAnthropicServer.Error(ctx, 401, "authentication_error", "req_2"),
                _ => FakeAnthropicServer.Reset(ctx),
            },
            apiKey: Api.Key);

        var call = sut.Call(() => sut.Client.Messages.Create(Hi()));
        sut.ExpectRetryAfter(TimeSpan.FromSeconds(1));
        sut.ExpectRetryAfter(TimeSpan.FromSeconds(2));
        var authFailure = await Assert.ThrowsAnyAsync<AnthropicException>(() => call.WaitAsync(Bound));

        // A call that ends with no response at all: Breakwater's own exception, through the SDK.
        var reset = sut.Call(() => sut.Client.Messages.Create(Hi()));
        sut.ExpectRetryAfter(TimeSpan.FromMilliseconds(500));
        sut.ExpectRetryAfter(TimeSpan.FromSeconds(1));
        var resetFailure = await Assert.ThrowsAnyAsync<Exception>(() => reset.WaitAsync(Bound));

        // The key really was in play: SDK 13.14.0 sends it as a bearer token (older ones as x-api-key).
        Assert.All(sut.Server.Requests, r => Assert.True(r.Header("x-api-key") == Api.Key || r.Header("authorization") == "Bearer " + Api.Key));
        var breakwaterFailure = Assert.Single(Chain(resetFailure).OfType<BreakwaterException>());
        Assert.Equal(3, breakwaterFailure.Attempts);
        Assert.NotEmpty(sut.Logs.GetSnapshot());
        foreach (var record in sut.Logs.GetSnapshot())
        {
            Assert.DoesNotContain(Api.Key, record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(record.StructuredState ?? [], kv => kv.Value?.Contains(Api.Key, StringComparison.Ordinal) == true);
        }

        foreach (var e in Chain(authFailure).Concat(Chain(resetFailure)))
        {
            Assert.DoesNotContain(Api.Key, e.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Api.Key, authFailure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Api.Key, resetFailure.ToString(), StringComparison.Ordinal);
    }
}
