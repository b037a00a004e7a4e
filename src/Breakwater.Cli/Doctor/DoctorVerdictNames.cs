namespace Breakwater.Cli.Doctor;

/// <summary>The verdicts' names as printed and as sent in <c>--json</c>.</summary>
internal static class DoctorVerdictNames
{
    public static string Name(this DoctorVerdict verdict) => verdict switch
    {
        DoctorVerdict.Healthy => "healthy",
        DoctorVerdict.PlatformIncident => "platform-incident",
        DoctorVerdict.PlatformOverload => "platform-overload",
        DoctorVerdict.SelfInflicted => "self-inflicted",
        DoctorVerdict.Quota => "quota",
        DoctorVerdict.ClientError => "client-error",
        DoctorVerdict.GatewayMasking => "gateway-masking",
        DoctorVerdict.Network => "network",
        _ => "unknown",
    };

    public static int ExitCode(this DoctorVerdict verdict) => (int)verdict;
}
