namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    private const ushort MatchTypeOxm = 1;

    /// <summary>Reads an ofp_match and its padding from <paramref name="cursor"/>.</summary>
    private static OxmMatch ReadMatch(ref WireCursor cursor)
    {
        var start = cursor.Position;
        var type = cursor.U16();
        var length = cursor.U16();
        if (type != MatchTypeOxm)
        {
            throw OpenFlowException.Violation($"{cursor.Context} has a match of type {type}; OpenFlow 1.3+ uses OFPMT_OXM (1) only");
        }

        if (length < 4)
        {
            throw OpenFlowException.Violation($"{cursor.Context} has a match of length {length}, shorter than its header");
        }

        var fields = cursor.Slice(length - 4, "OXM match");
        cursor.SkipPaddingFrom(start);
        var list = new List<OxmField>();
        while (!fields.IsEmpty)
        {
            list.Add(ReadOxm(ref fields));
        }

        return list.Count == 0 ? OxmMatch.Any : new OxmMatch(list);
    }

    private static OxmField ReadOxm(ref WireCursor cursor)
    {
        var header = cursor.U32();
        var oxmClass = (ushort)(header >> 16);
        var field = (byte)((header >> 9) & 0x7f);
        var hasMask = (header & 0x100) != 0;
        var payload = cursor.Slice((int)(header & 0xff), "OXM field");
        var experimenter = 0u;
        if (oxmClass == OxmClass.Experimenter)
        {
            experimenter = payload.U32();
        }

        var size = hasMask ? payload.Remaining / 2 : payload.Remaining;
        if (size == 0 || (hasMask && payload.Remaining % 2 != 0))
        {
            throw OpenFlowException.Violation($"OXM field 0x{oxmClass:x4}:{field} has a {payload.Remaining}-byte payload, " +
                                              (hasMask ? "not a value and a mask of equal size" : "no value"));
        }

        if (experimenter == 0 && OxmFieldCatalog.TryGet(oxmClass, field, out var known) && known.Size != size)
        {
            throw OpenFlowException.Violation($"OXM field {known.Name} has a {size}-byte value; it is {known.Size} bytes");
        }

        if (oxmClass == OxmClass.Experimenter && experimenter == 0)
        {
            throw OpenFlowException.Violation($"experimenter OXM field {field} has experimenter id 0");
        }

        var value = payload.Bytes(size);
        return new OxmField(oxmClass, field, value, hasMask ? payload.Bytes(size) : default, experimenter);
    }
}
