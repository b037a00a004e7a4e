using System.Diagnostics;
using System.Net;
using System.Text;

namespace Breakwater.Bench.Overhead;

/// <summary>The two stream measurements wrk cannot make: time to first byte, and many streams held open at once.</summary>
internal static class StreamProbe
{
    /// <summary>Median and p99 time to the first body byte over <paramref name="count"/> sequential streaming requests (after a warm-up), in ms.</summary>
    public static async Task<TtfbResult> TimeToFirstByteAsync(Uri baseAddress, IReadOnlyDictionary<string, string> headers, int count)
    {
        using var handler = new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = 1 };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        var target = new Uri(baseAddress, "v1/messages");
        var samples = new List<double>(count);
        var failures = 0;
        var buffer = new byte[16 * 1024];
        for (var i = 0; i < count + 50; i++)
        {
            using var request = Request(target, headers, Payloads.StreamRequest);
            var clock = Stopwatch.StartNew();
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                await using var body = await response.Content.ReadAsStreamAsync();
                var first = await body.ReadAsync(buffer);
                var ttfb = clock.Elapsed.TotalMilliseconds;
                while (await body.ReadAsync(buffer) > 0)
                {
                }

                if (!response.IsSuccessStatusCode || first == 0)
                {
                    failures++;
                }
                else if (i >= 50)
                {
                    samples.Add(ttfb);
                }
            }
            catch (HttpRequestException)
            {
                failures++;
            }
        }

        samples.Sort();
        return samples.Count == 0
            ? new TtfbResult(double.NaN, double.NaN, 0, failures)
            : new TtfbResult(samples[samples.Count / 2], samples[Math.Min(samples.Count - 1, (int)(samples.Count * 0.99))], samples.Count, failures);
    }

    /// <summary>
    /// Opens <paramref name="count"/> streams through the proxy at once (100 connecting at a time), waits until every one
    /// has its first bytes or progress stops for 5 s (60 s at most), then reads the proxy's RSS while they are all still open.
    /// </summary>
    public static async Task<OpenStreamsResult> OpenStreamsAsync(Uri baseAddress, IReadOnlyDictionary<string, string> headers, int count, HoldOpenUpstream upstream, int pid)
    {
        var idle = ChildProcess.ReadRss(pid);
        using var handler = new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = int.MaxValue };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var target = new Uri(baseAddress, "v1/messages");
        using var gate = new SemaphoreSlim(100);
        var receiving = 0;
        var failed = 0;
        var responses = new List<HttpResponseMessage>();
        var tasks = Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync(stop.Token);
            var released = false;
            try
            {
                using var request = Request(target, headers, Payloads.StreamRequest);
                var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                lock (responses)
                {
                    responses.Add(response);
                }

                gate.Release();
                released = true;
                var stream = await response.Content.ReadAsStreamAsync(stop.Token);
                var buffer = new byte[256];
                if (response.IsSuccessStatusCode && await stream.ReadAsync(buffer, stop.Token) > 0)
                {
                    Interlocked.Increment(ref receiving);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                Interlocked.Increment(ref failed);
            }
            finally
            {
                if (!released)
                {
                    gate.Release();
                }
            }
        }).ToList();

        // Settle: everything answered, or nothing new for 5 s (streams queued inside a proxy never answer).
        var clock = Stopwatch.StartNew();
        var lastProgress = clock.Elapsed;
        var seen = -1;
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var now = Volatile.Read(ref receiving) + Volatile.Read(ref failed);
            if (now >= count)
            {
                break;
            }

            if (now != seen)
            {
                seen = now;
                lastProgress = clock.Elapsed;
            }
            else if (clock.Elapsed - lastProgress > TimeSpan.FromSeconds(5))
            {
                break;
            }

            await Task.Delay(200);
        }

        await Task.Delay(1000);
        var rss = ChildProcess.ReadRss(pid);
        var result = new OpenStreamsResult(count, Volatile.Read(ref receiving), upstream.Open, Volatile.Read(ref failed), idle, rss);

        await stop.CancelAsync();
        upstream.ReleaseAll();
        lock (responses)
        {
            foreach (var r in responses)
            {
                r.Dispose();
            }
        }

        await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        return result;
    }

    private static HttpRequestMessage Request(Uri target, IReadOnlyDictionary<string, string> headers, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("x-api-key", Payloads.ApiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", Payloads.AnthropicVersion);
        foreach (var (key, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        return request;
    }
}
