namespace AlSafe.Daemon.Control;

/// <summary>
/// What the daemon exposes to its operators. The D-Bus server is only a transport over this, so the daemon's state can
/// grow without the wire format and the tests depending on it.
/// </summary>
public interface IAlSafeControl
{
    /// <summary>Raised whenever a connection's verdict changes, from whatever thread decided it.</summary>
    event EventHandler<VerdictChangedEventArgs>? VerdictChanged;

    DaemonStatus GetStatus();

    IReadOnlyList<VmSummary> ListVms();

    /// <exception cref="ControlException">The VM is not known (<see cref="ControlError.UnknownVm"/>).</exception>
    IReadOnlyList<ConnectionVerdict> GetConnections(string vm);

    /// <summary>Re-reads the configuration and the whitelists.</summary>
    /// <exception cref="ControlException">They could not be applied (<see cref="ControlError.Failed"/>).</exception>
    void Reload();

    /// <summary>Sets how often a VM is introspected; the caller has checked the range already.</summary>
    /// <exception cref="ControlException">The VM is not known (<see cref="ControlError.UnknownVm"/>).</exception>
    void SetPeriod(string vm, uint seconds);

    /// <summary>Stops introspecting the VM for a live migration (its rules stay until it leaves) and returns its sealed
    /// hand-off file.</summary>
    /// <exception cref="ControlException">The VM is not known (<see cref="ControlError.UnknownVm"/>), or has no valid
    /// state to send, or the node has no usable migration key (<see cref="ControlError.Refused"/>).</exception>
    Task<string> ExportVmAsync(string vm);

    /// <summary>Checks a hand-off file from another node and installs its grants for the VM here.</summary>
    /// <returns>One line saying what was done.</returns>
    /// <exception cref="ControlException">The file was refused (<see cref="ControlError.Refused"/>), saying why.</exception>
    Task<string> ImportVmAsync(string handoff);

    /// <summary>Withdraws an exported VM's rules from this node now.</summary>
    /// <exception cref="ControlException">The VM is not known or not exported.</exception>
    Task ReleaseVmAsync(string vm);

    /// <summary>Cancels an export: the VM is introspected again, its rules unchanged.</summary>
    /// <exception cref="ControlException">The VM is not known or not exported.</exception>
    Task ResumeVmAsync(string vm);
}
