namespace AlSafe.Daemon.Control;

public sealed class VerdictChangedEventArgs(string vm, ConnectionVerdict connection) : EventArgs
{
    public string Vm { get; } = vm;

    /// <summary>The connection with its new verdict.</summary>
    public ConnectionVerdict Connection { get; } = connection;
}
