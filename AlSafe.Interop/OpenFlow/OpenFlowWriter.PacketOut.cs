namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    /// <summary>OFPT_PACKET_OUT. OpenFlow 1.5 replaced the in_port field by a match (holding in_port), which is why
    /// the layout depends on <paramref name="version"/>.</summary>
    public void WritePacketOut(OpenFlowVersion version, uint xid, PacketOut packetOut)
    {
        ArgumentNullException.ThrowIfNull(packetOut);
        var start = BeginMessage(version, OpenFlowMessageType.PacketOut, xid);
        try
        {
            U32(packetOut.BufferId);
            int actionsLengthAt;
            if (version >= OpenFlowVersion.OpenFlow15)
            {
                actionsLengthAt = _written;
                U16(0);
                Zeros(2);
                WriteMatch(new OxmMatch([OxmField.InPort(packetOut.InPort)]));
            }
            else
            {
                U32(packetOut.InPort);
                actionsLengthAt = _written;
                U16(0);
                Zeros(6);
            }

            var actionsStart = _written;
            WriteActions(packetOut.Actions);
            PatchLength(actionsLengthAt, actionsStart);
            Bytes(packetOut.Data.Span);
            EndMessage(start);
        }
        catch
        {
            _written = start;
            throw;
        }
    }
}
