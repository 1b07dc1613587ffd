namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    public void WriteEchoRequest(OpenFlowVersion version, uint xid, ReadOnlySpan<byte> data = default) =>
        WriteEcho(version, OpenFlowMessageType.EchoRequest, xid, data);

    /// <summary>The answer to the switch's keepalive: same xid, same data, as the spec requires.</summary>
    public void WriteEchoReply(OpenFlowVersion version, uint xid, ReadOnlySpan<byte> data = default) =>
        WriteEcho(version, OpenFlowMessageType.EchoReply, xid, data);

    private void WriteEcho(OpenFlowVersion version, OpenFlowMessageType type, uint xid, ReadOnlySpan<byte> data)
    {
        var start = BeginMessage(version, type, xid);
        Bytes(data);
        EndMessage(start);
    }
}
