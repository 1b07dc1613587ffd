namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    /// <summary>OFPT_BARRIER_REQUEST: the switch answers only after it has finished every message sent before it,
    /// errors included, which is how a sender learns that silent requests (flow mods, bundle adds) succeeded.</summary>
    public void WriteBarrierRequest(OpenFlowVersion version, uint xid) =>
        EndMessage(BeginMessage(version, OpenFlowMessageType.BarrierRequest, xid));
}
