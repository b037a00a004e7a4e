namespace Breakwater.Cli.Doctor;

/// <summary>The one verdict <c>breakwater doctor</c> gives. The value is the process exit code (see docs/doctor.md).</summary>
internal enum DoctorVerdict
{
    Healthy = 0,
    PlatformIncident = 10,
    PlatformOverload = 11,
    SelfInflicted = 12,
    Quota = 13,
    ClientError = 14,
    GatewayMasking = 15,
    Network = 16,
}
