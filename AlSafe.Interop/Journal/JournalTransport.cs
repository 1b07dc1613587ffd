namespace AlSafe.Interop.Journal;

/// <summary>How an entry reached journald.</summary>
public enum JournalTransport
{
    /// <summary>The entry was the datagram's payload.</summary>
    Datagram,

    /// <summary>The entry was too large for one datagram; it went in a sealed memfd passed with SCM_RIGHTS.</summary>
    Memfd,
}
