namespace AlSafe.Interop.Journal;

/// <summary>journald did not take an entry: its socket is missing or refuses, the send timed out, or the large-entry
/// path (a sealed memfd) could not be built.</summary>
public sealed class JournalException : IOException
{
    public JournalException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
