namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    public void WriteFeaturesRequest(OpenFlowVersion version, uint xid) =>
        EndMessage(BeginMessage(version, OpenFlowMessageType.FeaturesRequest, xid));
}
