namespace AlSafe.Core.Configuration;

/// <summary>
/// Bounds on configuration input. Real files are a few kilobytes; the bounds keep a wrong file (a disk image, a log
/// linked into place) from costing memory or burying the first errors under thousands more.
/// </summary>
public static class ConfigurationLimits
{
    /// <summary>Refused before parsing.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Longer than PATH_MAX with its key, so a real line never meets it.</summary>
    public const int MaxLineBytes = 4096;

    /// <summary>The errors kept for one file; later ones are dropped.</summary>
    public const int MaxErrors = 100;
}
