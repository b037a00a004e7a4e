using System.Runtime.CompilerServices;
using Breakwater.Telemetry.Journal;

namespace Breakwater.Tests.Telemetry.Journal;

/// <summary>
/// Lets the test assembly double as the child process of the kill test: run as <c>dotnet Breakwater.Tests.dll</c>
/// with <see cref="PathVariable"/> set, it writes journal records in a loop and reports progress on stdout until killed.
/// Inside the test host the variable is unset and this does nothing.
/// </summary>
internal static class JournalChildProcess
{
    public const string PathVariable = "BREAKWATER_TEST_JOURNAL_CHILD";

#pragma warning disable CA2255 // The initializer is the child process's entry point; it is inert unless the variable is set.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Run()
    {
        var path = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        #pragma warning disable CA2000 // Never disposed on purpose: the parent kills this process mid-write to prove the journal survives a crash.
        var journal = new SqliteIncidentJournal(new JournalOptions { Path = path, QueueCapacity = 100_000 });
        #pragma warning restore CA2000
        var start = TimeProvider.System.GetUtcNow();

        // Bounded: the parent kills the process long before the end.
        for (var i = 0; i < 5_000_000; i++)
        {
            journal.Record(JournalTestData.Record(start.AddMilliseconds(i), $"req_child_{i:D7}"));
            if (i % 200 == 199)
            {
                journal.FlushAsync().GetAwaiter().GetResult();
                Console.Out.WriteLine(i + 1);
                Console.Out.Flush();
            }
        }

        Environment.Exit(0);
    }
}
