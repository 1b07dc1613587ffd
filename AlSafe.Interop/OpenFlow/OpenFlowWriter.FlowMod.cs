namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    /// <summary>OFPT_FLOW_MOD: 48 fixed bytes, the OXM match padded to 8, then the instructions.</summary>
    /// <exception cref="ArgumentException">The flow mod cannot be encoded in <paramref name="version"/> (importance on
    /// 1.3) or does not fit one message.</exception>
    public void WriteFlowMod(OpenFlowVersion version, uint xid, FlowMod flowMod)
    {
        ArgumentNullException.ThrowIfNull(flowMod);
        var start = BeginMessage(version, OpenFlowMessageType.FlowMod, xid);
        try
        {
            WriteFlowModBody(version, flowMod);
            EndMessage(start);
        }
        catch
        {
            // Leave the buffer as it was: a half-written message must never reach the wire.
            _written = start;
            throw;
        }
    }

    private void WriteFlowModBody(OpenFlowVersion version, FlowMod flowMod)
    {
        if (flowMod.Importance != 0 && version < OpenFlowVersion.OpenFlow14)
        {
            throw new ArgumentException("flow importance needs OpenFlow 1.4 or later", nameof(flowMod));
        }

        U64(flowMod.Cookie);
        U64(flowMod.CookieMask);
        U8(flowMod.TableId);
        U8((byte)flowMod.Command);
        U16(flowMod.IdleTimeout);
        U16(flowMod.HardTimeout);
        U16(flowMod.Priority);
        U32(flowMod.BufferId);
        U32(flowMod.OutPort);
        U32(flowMod.OutGroup);
        U16((ushort)flowMod.Flags);
        U16(flowMod.Importance);
        WriteMatch(flowMod.Match);
        WriteInstructions(flowMod.Instructions);
    }
}
