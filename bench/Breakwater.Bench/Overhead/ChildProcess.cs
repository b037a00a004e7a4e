using System.Diagnostics;
using System.Globalization;

namespace Breakwater.Bench.Overhead;

/// <summary>A server process the benchmark started: its output drained (so it never blocks on a full pipe), killed with its tree on dispose.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _tail = [];
    private TaskCompletionSource<string>? _stats;
    private TaskCompletionSource<string>? _heap;

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child._listening.TrySetException(new InvalidOperationException($"{name} exited early:\n{child.Tail()}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Starts this benchmark's own executable in a child mode (serve-yarp, serve-gateway) and waits for its address.</summary>
    public static async Task<(ChildProcess Child, Uri Address)> StartSelfAsync(string name, params string[] arguments)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var entry = typeof(ChildProcess).Assembly.Location;
        var args = Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? new[] { entry }.Concat(arguments) : arguments;
        var child = Start(name, self, args);
        var address = await child._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return (child, address);
    }

    /// <summary>Waits for the child's <c>LISTENING</c> line (bounded).</summary>
    public Task<Uri> ListeningAsync(TimeSpan timeout) => _listening.Task.WaitAsync(timeout);

    /// <summary>Resident set size from /proc/&lt;pid&gt;/status, in bytes (the whole tree for npx-style launchers is not summed).</summary>
    public long RssBytes() => ReadRss(Pid);

    public static long ReadRss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>CPU ticks from /proc, plus the GC counters a .NET child reports when asked on stdin (null figures otherwise).</summary>
    public async Task<ProcessSample> SampleAsync(bool askRuntime)
    {
        string? line = null;
        if (askRuntime && !_process.HasExited)
        {
            var pending = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _stats, pending);
            await _process.StandardInput.WriteLineAsync("stats");
            await _process.StandardInput.FlushAsync();
            try
            {
                line = await pending.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
            }
        }

        return ProcessSample.FromStatsLine(ProcessCost.ReadCpuTicks(Pid), line);
    }

    /// <summary>Asks a .NET child for a full collection and returns its managed heap afterwards, in bytes (null when it did not answer).</summary>
    public async Task<long?> FullGcHeapAsync()
    {
        var pending = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _heap, pending);
        await _process.StandardInput.WriteLineAsync("fullgc");
        await _process.StandardInput.FlushAsync();
        try
        {
            var line = await pending.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return long.Parse(line["HEAP ".Length..], CultureInfo.InvariantCulture);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("STATS ", StringComparison.Ordinal))
        {
            Interlocked.Exchange(ref _stats, null)?.TrySetResult(line);
            return;
        }

        if (line.StartsWith("HEAP ", StringComparison.Ordinal))
        {
            Interlocked.Exchange(ref _heap, null)?.TrySetResult(line);
            return;
        }

        if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line["LISTENING ".Length..].Trim()));
        }

        lock (_tail)
        {
            _tail.Add(line);
            if (_tail.Count > 40)
            {
                _tail.RemoveAt(0);
            }
        }
    }
}
