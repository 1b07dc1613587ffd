namespace AlSafe.Interop.OpenFlow;

/// <summary>A decoded OFPT_PACKET_IN: a packet the switch sent up to the controller.</summary>
/// <param name="BufferId"><see cref="OpenFlowBuffer.None"/> unless the switch kept the packet; Open vSwitch never does.</param>
/// <param name="TotalLength">The packet's full length; <paramref name="Data"/> may be cut to the action's max_len.</param>
/// <param name="Cookie">The cookie of the flow that sent it (all ones when none did).</param>
/// <param name="Match">The packet's pipeline fields: in_port always, registers, metadata, tunnel fields.</param>
public sealed record PacketIn(uint BufferId, ushort TotalLength, PacketInReason Reason, byte TableId, ulong Cookie, OxmMatch Match,
    ReadOnlyMemory<byte> Data)
{
    public uint? InPort => Match.InPort;
}
