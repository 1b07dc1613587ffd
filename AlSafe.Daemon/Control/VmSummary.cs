namespace AlSafe.Daemon.Control;

/// <param name="State">What the daemon is doing with the VM, in a word ("running", "failed", ...).</param>
/// <param name="LastIntrospection">When the VM was last read, or null when it has not been yet.</param>
public sealed record VmSummary(
    string Name,
    string Tenant,
    uint PeriodSeconds,
    string State,
    DateTimeOffset? LastIntrospection,
    uint Allowed,
    uint Blocked);
