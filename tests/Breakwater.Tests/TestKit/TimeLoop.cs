using Microsoft.Extensions.Time.Testing;

namespace Breakwater.Tests.TestKit;

/// <summary>Drives fake time until a task completes (bounded), for pipelines whose waits are fake timers.</summary>
internal static class TimeLoop
{
    public static async Task<T> Run<T>(FakeTimeProvider time, Task<T> task, TimeSpan step, int maxSteps = 100_000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            time.Advance(step);
            if (!task.IsCompleted)
            {
                await Task.Yield();
            }
        }

        Assert.True(task.IsCompleted, $"the call did not complete within {maxSteps} steps of {step}");
        return await task;
    }
}
