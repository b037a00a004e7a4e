namespace Breakwater.Status;

/// <summary>The page's overall indicator (<c>status.indicator</c>).</summary>
public enum StatusIndicator
{
    /// <summary>The page could not be read, or sent a value not known here.</summary>
    Unknown = 0,
    /// <summary><c>none</c>: all systems operational.</summary>
    None,
    /// <summary><c>minor</c>.</summary>
    Minor,
    /// <summary><c>major</c>.</summary>
    Major,
    /// <summary><c>critical</c>.</summary>
    Critical,
    /// <summary><c>maintenance</c>.</summary>
    Maintenance,
}
