namespace AlSafe.Interop.OpenFlow;

/// <summary>Why an <see cref="OpenFlowException"/> was thrown.</summary>
public enum OpenFlowFailure
{
    /// <summary>The peer sent bytes that are not valid OpenFlow: a length that does not fit, a truncated structure,
    /// a reply of the wrong kind. The connection cannot be trusted after it.</summary>
    ProtocolViolation,

    /// <summary>No OpenFlow version both sides speak is 1.3 or later (or the minimum asked for).</summary>
    IncompatibleVersion,

    /// <summary>The request needs a feature the negotiated version lacks, such as bundles on OpenFlow 1.3.</summary>
    Unsupported,

    /// <summary>The switch answered with an OFPT_ERROR.</summary>
    SwitchError,

    /// <summary>The connection ended (closed, killed, missed keepalives, disposed) before the answer came.</summary>
    ConnectionLost,
}
