namespace AlSafe.Interop.Edge;

/// <summary>Why talking to the edge failed.</summary>
public enum EdgeFault
{
    /// <summary>No connection: the host refused, did not answer in time, or the connection broke.</summary>
    Unreachable,

    /// <summary>The host's key is not the one known for it. Never accepted, whatever else is configured.</summary>
    HostKeyRejected,

    /// <summary>The host refused the node's key, or the key file cannot be read.</summary>
    Authentication,

    /// <summary>nft refused the transaction (its error text is in <see cref="EdgeException.Detail"/>); the edge's rules
    /// are as they were, since a transaction applies whole or not at all.</summary>
    Refused,

    /// <summary>An nft command ran longer than allowed; the connection is given up.</summary>
    Timeout,

    /// <summary>The edge answered something that is not nft's output.</summary>
    Protocol,
}
