namespace AlSafe.Daemon.Control;

/// <summary>Why a control call failed; each is a D-Bus error name under <c>org.alsafe.Error</c>.</summary>
public enum ControlError
{
    /// <summary>The daemon failed to do what was asked.</summary>
    Failed,

    /// <summary>No VM of that name is protected by this daemon.</summary>
    UnknownVm,

    /// <summary>An argument is out of range.</summary>
    InvalidArgument,

    /// <summary>The caller may not use the API (the bus policy refused the call).</summary>
    AccessDenied,

    /// <summary>The daemon is not on the bus, or the bus cannot be reached.</summary>
    Unavailable,

    /// <summary>The daemon refused the request: a hand-off that fails its checks, a VM in the wrong state for it.</summary>
    Refused,
}
