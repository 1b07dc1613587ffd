namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    private const ushort MatchTypeOxm = 1;

    /// <summary>ofp_match of type OFPMT_OXM, zero-padded to 8 bytes (the padding is not in its length).</summary>
    private void WriteMatch(OxmMatch match)
    {
        var start = _written;
        U16(MatchTypeOxm);
        var lengthAt = _written;
        U16(0);
        for (var i = 0; i < match.Fields.Count; i++)
        {
            WriteOxm(match.Fields[i]);
        }

        PatchLength(lengthAt, start);
        PadFrom(start);
    }

    private void WriteOxm(OxmField field)
    {
        U32(field.WireHeader);
        if (field.Experimenter != 0)
        {
            U32(field.Experimenter);
        }

        Bytes(field.ValueSpan);
        Bytes(field.MaskSpan);
    }
}
