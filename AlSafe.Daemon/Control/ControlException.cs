namespace AlSafe.Daemon.Control;

/// <summary>A control call that failed, on either side of the bus: the message is one line meant for the operator.</summary>
public sealed class ControlException(ControlError error, string message, Exception? inner = null) : Exception(message, inner)
{
    public ControlError Error { get; } = error;
}
