using System.Globalization;
using System.Text.Json;
using Breakwater.Cli.Terminal;
using Breakwater.Deferral;
using Microsoft.Data.Sqlite;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Commands;

/// <summary><c>breakwater jobs</c>: the deferred-job queue (counts per state, then the jobs, newest first). Never shows credentials.</summary>
internal sealed class JobsCommand : AsyncCommand<JobsSettings>
{
    private readonly IAnsiConsole _console;
    private readonly IAnsiConsole _error;

    public JobsCommand(CliConsoles consoles)
        : this(consoles.Out, consoles.Error)
    {
    }

    internal JobsCommand(IAnsiConsole console, IAnsiConsole? error = null)
    {
        _console = console;
        _error = error ?? console;
    }

    public static string DefaultPath() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".breakwater", "jobs.db");

    public override async Task<int> ExecuteAsync(CommandContext context, JobsSettings settings, CancellationToken cancellationToken)
    {
        var path = settings.Db ?? DefaultPath();
        var output = _console.Profile.Out.Writer;
        if (!File.Exists(path))
        {
            if (settings.Json)
            {
                await output.WriteLineAsync("""{"counts":{},"jobs":[]}""");
            }
            else
            {
                await output.WriteLineAsync($"No job database at {path}: nothing was ever deferred there.");
            }

            return 0;
        }

        IReadOnlyDictionary<DeferredJobState, long> counts;
        IReadOnlyList<DeferredJob> jobs;
        try
        {
            using var store = new SqliteDeferredJobStore(path);
            var state = settings.State is null ? (DeferredJobState?)null : Enum.Parse<DeferredJobState>(settings.State, ignoreCase: true);
            counts = await store.CountAsync(cancellationToken);
            jobs = await store.ListAsync(state, settings.Limit, cancellationToken);
        }
        catch (SqliteException ex)
        {
            _error.MarkupLine($"[red]Error:[/] the job database could not be read ({Markup.Escape(ex.Message)}).");
            return ExitCodes.RuntimeFailure;
        }

        if (settings.Json)
        {
            await output.WriteLineAsync(ToJson(counts, jobs));
            return 0;
        }

        await output.WriteLineAsync(string.Join("  ", Enum.GetValues<DeferredJobState>().Select(s => $"{Name(s)} {(counts.TryGetValue(s, out var n) ? n : 0)}")));
        if (jobs.Count == 0)
        {
            return 0;
        }

        // A table with headers; ids and models never break (TableFit). Too narrow: one labelled line per job.
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in JobHeaders)
        {
            table.AddColumn(new TableColumn(header));
        }

        foreach (var job in jobs)
        {
            table.AddRow([.. Cells(job).Select(c => new Text(c))]);
        }

        if (TableFit.TryFit(_console, table))
        {
            _console.Write(table);
        }
        else
        {
            foreach (var job in jobs)
            {
                await output.WriteLineAsync(string.Join("  ", JobHeaders.Zip(Cells(job), (h, c) => $"{h}: {c}")));
            }
        }

        return 0;
    }

    private static readonly string[] JobHeaders = ["id", "state", "model", "attempts", "created (UTC)", "deadline (UTC)", "status", "last error"];

    private static string[] Cells(DeferredJob job) =>
    [
        job.Id,
        Name(job.State),
        job.Model ?? "-",
        job.Attempts.ToString(CultureInfo.InvariantCulture),
        job.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        job.Deadline.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        job.Response is { } r ? r.StatusCode.ToString(CultureInfo.InvariantCulture) : "-",
        job.LastError ?? "-",
    ];

    private static string Name(DeferredJobState state) => state.ToString().ToLowerInvariant();

    private static string ToJson(IReadOnlyDictionary<DeferredJobState, long> counts, IReadOnlyList<DeferredJob> jobs)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("counts");
            foreach (var s in Enum.GetValues<DeferredJobState>())
            {
                w.WriteNumber(Name(s), counts.TryGetValue(s, out var n) ? n : 0);
            }

            w.WriteEndObject();
            w.WriteStartArray("jobs");
            foreach (var job in jobs)
            {
                w.WriteStartObject();
                w.WriteString("id", job.Id);
                w.WriteString("state", Name(job.State));
                w.WriteString("owner", job.Owner);
                w.WriteString("model", job.Model);
                w.WriteString("path", job.Request.PathAndQuery);
                w.WriteString("created_at", job.CreatedAt);
                w.WriteString("deadline", job.Deadline);
                if (job.CompletedAt is { } c)
                {
                    w.WriteString("completed_at", c);
                }
                else
                {
                    w.WriteNull("completed_at");
                }

                w.WriteNumber("attempts", job.Attempts);
                if (job.Response is { } r)
                {
                    w.WriteNumber("status", r.StatusCode);
                }
                else
                {
                    w.WriteNull("status");
                }

                w.WriteString("last_error", job.LastError);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
