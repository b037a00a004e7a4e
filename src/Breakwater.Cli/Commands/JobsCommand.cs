using System.Globalization;
using System.Text.Json;
using Breakwater.Deferral;
using Microsoft.Data.Sqlite;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Breakwater.Cli.Commands;

/// <summary><c>breakwater jobs</c>: the deferred-job queue (counts per state, then the jobs, newest first). Never shows credentials.</summary>
internal sealed class JobsCommand : AsyncCommand<JobsSettings>
{
    private readonly IAnsiConsole _console;

    public JobsCommand()
        : this(AnsiConsole.Console)
    {
    }

    internal JobsCommand(IAnsiConsole console) => _console = console;

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
            _console.MarkupLine($"[red]The job database could not be read[/] ({Markup.Escape(ex.Message)}).");
            return 1;
        }

        if (settings.Json)
        {
            await output.WriteLineAsync(ToJson(counts, jobs));
            return 0;
        }

        await output.WriteLineAsync(string.Join("  ", Enum.GetValues<DeferredJobState>().Select(s => $"{Name(s)} {(counts.TryGetValue(s, out var n) ? n : 0)}")));
        foreach (var job in jobs)
        {
            await output.WriteLineAsync(string.Join("  ",
                job.Id,
                Name(job.State).PadRight(9),
                job.Model ?? "-",
                "created " + job.CreatedAt.ToString("u", CultureInfo.InvariantCulture),
                "deadline " + job.Deadline.ToString("u", CultureInfo.InvariantCulture),
                "attempts " + job.Attempts.ToString(CultureInfo.InvariantCulture),
                job.Response is { } r ? "status " + r.StatusCode.ToString(CultureInfo.InvariantCulture) : "",
                job.LastError ?? ""));
        }

        return 0;
    }

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
