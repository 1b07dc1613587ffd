namespace AlSafe.Interop.Ovsdb;

/// <summary>The database refused a request, or spoke something that is not OVSDB's JSON-RPC.</summary>
public sealed class OvsdbException : Exception
{
    public OvsdbException(string message, string? error = null, string? details = null, Exception? innerException = null)
        : base(Compose(message, error, details), innerException)
    {
        Error = error;
        Details = details;
    }

    public OvsdbException(string message)
        : base(message)
    {
    }

    public OvsdbException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The server's error string ("constraint violation", "unknown database"...), when it sent one.</summary>
    public string? Error { get; }

    /// <summary>The server's human-readable details, when it sent them.</summary>
    public string? Details { get; }

    private static string Compose(string message, string? error, string? details) =>
        (error, details) switch
        {
            (null, null) => message,
            (_, null) => $"{message}: {error}",
            (null, _) => $"{message}: {details}",
            _ => $"{message}: {error}: {details}",
        };
}
