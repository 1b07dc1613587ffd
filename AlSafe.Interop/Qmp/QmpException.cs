namespace AlSafe.Interop.Qmp;

/// <summary>QEMU answered a QMP command with an error.</summary>
public sealed class QmpException : Exception
{
    public QmpException(string command, string errorClass, string description)
        : base($"QMP command '{command}' failed: {errorClass}: {description}")
    {
        Command = command;
        ErrorClass = errorClass;
        Description = description;
    }

    public string Command { get; }

    /// <summary>QEMU's error class, such as GenericError or CommandNotFound.</summary>
    public string ErrorClass { get; }

    public string Description { get; }
}
