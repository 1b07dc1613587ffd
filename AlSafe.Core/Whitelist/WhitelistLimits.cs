namespace AlSafe.Core.Whitelist;

/// <summary>
/// The bounds on whitelist input. Whitelists come from tooling the daemon does not control and are reloaded live, so
/// a file must never decide how long a reload takes or how much memory it holds: each bound is far above any real
/// policy and refuses the file instead of degrading.
/// </summary>
public static class WhitelistLimits
{
    /// <summary>Refused before reading: about a million realistic lines, and still parsed in well under a second.</summary>
    public const int MaxFileBytes = 64 << 20;

    /// <summary>Each entry becomes firewall state; beyond this a file is a mistake, not a policy.</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>
    /// Real entries are well under 200 bytes; the bound lets a binary or mangled file cost one error per line rather
    /// than one huge column. It also keeps paths below PATH_MAX (4096 with its NUL), so paths need no bound of their own.
    /// </summary>
    public const int MaxLineBytes = 4096;

    /// <summary>A broken file (say, the wrong format altogether) should not bury the first errors under a million more.</summary>
    public const int MaxErrors = 100;

    /// <summary>TASK_COMM_LEN is 16 including the terminating NUL; the kernel truncates longer names.</summary>
    public const int MaxCommBytes = 15;

    /// <summary>Long enough for any orchestrator's VM names, short enough to print in a log line.</summary>
    public const int MaxVmNameLength = 64;

    /// <summary>Tenant names become file names and log fields; 64 characters is ample for an identifier.</summary>
    public const int MaxTenantLength = 64;
}
