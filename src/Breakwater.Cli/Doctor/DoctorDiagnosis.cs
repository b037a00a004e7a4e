using System.Text.Json.Nodes;

namespace Breakwater.Cli.Doctor;

/// <summary>The verdict, the evidence behind it, and the next step.</summary>
internal sealed record DoctorDiagnosis(DoctorVerdict Verdict, JsonObject Evidence, string Next)
{
    public JsonObject ToJson() => new()
    {
        ["verdict"] = Verdict.Name(),
        ["evidence"] = Evidence.DeepClone(),
        ["next"] = Next,
    };
}
