using System.ComponentModel.DataAnnotations;

namespace Breakwater.Pacing;

/// <summary>
/// Rate-limit pacing per credential: from <c>anthropic-ratelimit-*-remaining</c> and <c>-reset</c>, when what remains
/// would run out before the reset at the current pace, calls are spread over the time left, before a 429 arrives.
/// State is keyed by a hash of the credential, never the credential itself.
/// </summary>
public sealed class PacingOptions
{
    /// <summary>Whether pacing is used. Default <c>true</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Pacing starts when remaining falls to this share of the limit or below. Default 0.2.</summary>
    [Range(0.0, 1.0)]
    public double Threshold { get; set; } = 0.2;

    /// <summary>The longest single pacing wait. Default 60 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);
}
