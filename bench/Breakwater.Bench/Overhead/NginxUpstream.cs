using System.Globalization;
using System.Text;

namespace Breakwater.Bench.Overhead;

/// <summary>
/// The zero-delay upstream: nginx (one worker, no access log) answering any request with the fixed Messages JSON on one
/// port and the fixed SSE stream on another, so each proxy can be pointed at one or the other without parsing bodies.
/// </summary>
internal sealed class NginxUpstream : IDisposable
{
    private readonly ChildProcess _process;
    private readonly string _directory;

    private NginxUpstream(ChildProcess process, string directory, int jsonPort, int ssePort)
    {
        _process = process;
        _directory = directory;
        Json = new Uri($"http://127.0.0.1:{jsonPort}/");
        Sse = new Uri($"http://127.0.0.1:{ssePort}/");
    }

    public Uri Json { get; }

    public Uri Sse { get; }

    public int Pid => _process.Pid;

    public static async Task<NginxUpstream> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("breakwater-bench-nginx-").FullName;
        var jsonPort = Ports.Free();
        var ssePort = Ports.Free();
        File.WriteAllText(Path.Combine(directory, "nginx.conf"), Config(directory, jsonPort, ssePort));
        var process = ChildProcess.Start("nginx", "nginx", ["-p", directory, "-c", Path.Combine(directory, "nginx.conf"), "-e", Path.Combine(directory, "error.log")]);
        var upstream = new NginxUpstream(process, directory, jsonPort, ssePort);
        try
        {
            await Ports.WaitListeningAsync(jsonPort, TimeSpan.FromSeconds(10), () => process.HasExited);
            await Ports.WaitListeningAsync(ssePort, TimeSpan.FromSeconds(10), () => process.HasExited);
        }
        catch
        {
            upstream.Dispose();
            throw;
        }

        return upstream;
    }

    public void Dispose()
    {
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left in /tmp: harmless.
        }
    }

    private static string Config(string directory, int jsonPort, int ssePort)
    {
        var port = (int p) => p.ToString(CultureInfo.InvariantCulture);
        return $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            worker_rlimit_nofile 20000;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 8192; }
            http {
              access_log off;
              client_body_temp_path {{directory}}/body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
              keepalive_requests 10000000;
              keepalive_timeout 300s;
              server {
                listen 127.0.0.1:{{port(jsonPort)}};
                location / {
                  default_type application/json;
                  add_header request-id req_bench_json;
                  return 200 '{{Escape(Payloads.JsonResponse)}}';
                }
              }
              server {
                listen 127.0.0.1:{{port(ssePort)}};
                location / {
                  default_type text/event-stream;
                  add_header request-id req_bench_sse;
                  add_header cache-control no-cache;
                  return 200 '{{Escape(Payloads.SseResponse)}}';
                }
              }
            }
            """;
    }

    /// <summary>nginx's quoted strings understand \n and \'; nothing else in the payloads needs escaping.</summary>
    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 64);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\'' => "\\'",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }
}
