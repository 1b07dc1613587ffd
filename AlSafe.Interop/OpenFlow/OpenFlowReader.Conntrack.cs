namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    /// <summary>The nx_action_conntrack body after its 10-byte Nicira header.</summary>
    private static ConntrackAction ReadConntrack(ref WireCursor body, int depth)
    {
        var flags = (ConntrackFlags)body.U16();
        var zoneSource = body.U32();
        var zone = body.U16();
        var table = body.U8();
        body.Skip(3);
        var alg = body.U16();
        return new ConntrackAction
        {
            Flags = flags,
            ZoneSource = zoneSource,
            Zone = zone,
            RecirculationTable = table,
            Alg = alg,
            Actions = ReadActions(ref body, depth + 1),
        };
    }
}
