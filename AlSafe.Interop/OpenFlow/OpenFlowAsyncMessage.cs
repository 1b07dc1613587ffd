namespace AlSafe.Interop.OpenFlow;

/// <summary>A message the switch sent on its own: a packet-in, a flow-removed, a port status, or an error that
/// answers no pending request.</summary>
/// <param name="Message">The whole message, header included.</param>
public sealed record OpenFlowAsyncMessage(OpenFlowHeader Header, ReadOnlyMemory<byte> Message)
{
    /// <summary>The decoded packet-in when <see cref="Header"/> is a PACKET_IN.</summary>
    public PacketIn? PacketIn { get; init; }

    /// <summary>The decoded error when <see cref="Header"/> is an ERROR.</summary>
    public OpenFlowError? Error { get; init; }
}
