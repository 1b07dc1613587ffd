using System.Text;

namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    /// <summary>OFPT_ERROR HELLO_FAILED/INCOMPATIBLE with an ASCII explanation: what the spec asks a side to send
    /// before hanging up on a peer it shares no version with. It goes out in the peer's own version, the only one
    /// the peer is sure to parse.</summary>
    public void WriteHelloFailed(byte peerVersion, uint xid, string explanation)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var start = BeginMessage(peerVersion, OpenFlowMessageType.Error, xid);
        U16((ushort)OpenFlowErrorType.HelloFailed);
        U16(0);
        var text = Encoding.ASCII.GetBytes(explanation);
        Bytes(text.AsSpan(0, Math.Min(text.Length, 1024)));
        EndMessage(start);
    }
}
