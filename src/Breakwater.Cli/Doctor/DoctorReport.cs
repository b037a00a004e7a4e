using Breakwater.Status;

namespace Breakwater.Cli.Doctor;

/// <summary>Everything one doctor run saw, and the diagnosis.</summary>
internal sealed record DoctorReport(
    StatusPageResult Status,
    string StatusUrl,
    ProbeResult Direct,
    ProbeResult? Gateway,
    JournalSummary Journal,
    DoctorDiagnosis Diagnosis);
