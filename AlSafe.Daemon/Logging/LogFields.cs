namespace AlSafe.Daemon.Logging;

/// <summary>
/// The property names the daemon gives its log events, so that every component names a VM, a process or a verdict
/// the same way. The journal sink turns each into an ALSAFE_ field in upper snake case (Vm into ALSAFE_VM,
/// WhitelistLine into ALSAFE_WHITELIST_LINE), which is what <c>journalctl -u alsafe ALSAFE_VM=web1</c> filters on.
/// </summary>
public static class LogFields
{
    /// <summary>Prefixed to every property's journal field, keeping the daemon's fields apart from journald's own
    /// (MESSAGE, PRIORITY...) and from other programs'.</summary>
    public const string JournalPrefix = "ALSAFE_";

    public const string Vm = "Vm";
    public const string Tenant = "Tenant";

    /// <summary>The guest process (tgid) that owns a socket.</summary>
    public const string Pid = "Pid";

    /// <summary>The guest process's comm.</summary>
    public const string Process = "Process";

    /// <summary>The guest process's executable path.</summary>
    public const string Executable = "Executable";

    public const string Proto = "Proto";
    public const string LocalAddress = "LocalAddress";
    public const string LocalPort = "LocalPort";
    public const string RemoteAddress = "RemoteAddress";
    public const string RemotePort = "RemotePort";

    /// <summary>ALLOW or BLOCK.</summary>
    public const string Verdict = "Verdict";

    /// <summary>The whitelist line that decided (file:line), or the reason for a block.</summary>
    public const string WhitelistLine = "WhitelistLine";
}
