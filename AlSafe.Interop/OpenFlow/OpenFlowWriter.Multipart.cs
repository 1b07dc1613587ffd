namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    /// <summary>ofp_multipart_type OFPMP_FLOW, renamed OFPMP_FLOW_DESC in 1.5 with the same number.</summary>
    private const ushort MultipartFlow = 1;

    /// <summary>OFPT_MULTIPART_REQUEST for the flows <paramref name="request"/> selects.</summary>
    public void WriteFlowStatsRequest(OpenFlowVersion version, uint xid, FlowStatsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var start = BeginMessage(version, OpenFlowMessageType.MultipartRequest, xid);
        try
        {
            U16(MultipartFlow);
            U16(0);
            Zeros(4);
            U8(request.TableId);
            Zeros(3);
            U32(request.OutPort);
            U32(request.OutGroup);
            Zeros(4);
            U64(request.Cookie);
            U64(request.CookieMask);
            WriteMatch(request.Match);
            EndMessage(start);
        }
        catch
        {
            _written = start;
            throw;
        }
    }
}
