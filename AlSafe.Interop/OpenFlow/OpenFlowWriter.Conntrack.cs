namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    /// <summary>nx_action_conntrack: the 24-byte fixed part (flags, zone source, zone or ofs_nbits, recirculation
    /// table, alg) followed by the nested actions, all inside one action length.</summary>
    private void WriteConntrack(ConntrackAction conntrack)
    {
        var start = _written;
        WriteNiciraHeader(ExperimenterIds.NiciraConntrack, 0);
        U16((ushort)conntrack.Flags);
        U32(conntrack.ZoneSource);
        U16(conntrack.Zone);
        U8(conntrack.RecirculationTable);
        Zeros(3);
        U16(conntrack.Alg);
        for (var i = 0; i < conntrack.Actions.Count; i++)
        {
            var nested = conntrack.Actions[i];
            if (nested is ConntrackAction)
            {
                throw new ArgumentException("ct() cannot be nested in ct()", nameof(conntrack));
            }

            WriteAction(nested);
        }

        PatchLength(start + 2, start);
    }
}
