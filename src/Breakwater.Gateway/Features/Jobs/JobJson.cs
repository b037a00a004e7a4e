using System.Text.Json;
using Breakwater.Deferral;

namespace Breakwater.Gateway.Features.Jobs;

/// <summary>The JSON a caller sees for a job that has no upstream response to show (yet).</summary>
internal static class JobJson
{
    public static string StateName(DeferredJobState state) => state switch
    {
        DeferredJobState.Queued => "queued",
        DeferredJobState.Running => "running",
        DeferredJobState.Succeeded => "succeeded",
        DeferredJobState.Failed => "failed",
        _ => "expired",
    };

    public static byte[] Serialize(DeferredJob job)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", job.Id);
            w.WriteString("type", "breakwater_job");
            w.WriteString("state", StateName(job.State));
            w.WriteString("created_at", job.CreatedAt);
            w.WriteString("deadline", job.Deadline);
            if (job.CompletedAt is { } completed)
            {
                w.WriteString("completed_at", completed);
            }
            else
            {
                w.WriteNull("completed_at");
            }

            w.WriteNumber("attempts", job.Attempts);
            if (job.LastError is { } error)
            {
                w.WriteString("last_error", error);
            }
            else
            {
                w.WriteNull("last_error");
            }

            w.WriteString("url", "/v1/breakwater/jobs/" + job.Id);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
