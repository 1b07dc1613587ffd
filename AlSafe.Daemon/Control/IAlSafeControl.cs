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
}
