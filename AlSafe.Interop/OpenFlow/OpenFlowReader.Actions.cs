namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    private const ushort ActionOutput = 0;
    private const ushort ActionSetField = 25;
    private const ushort ActionExperimenter = 0xffff;
    private const ushort ControllerPropertyMaxLength = 0;
    private const ushort ControllerPropertyMeterId = 5;

    /// <summary>How deep actions may nest (ct's exec is the only nesting here); bounds the recursion a hostile peer
    /// can cause.</summary>
    private const int MaxActionDepth = 4;

    /// <summary>Reads actions until <paramref name="cursor"/> is empty.</summary>
    private static List<OpenFlowAction> ReadActions(ref WireCursor cursor, int depth)
    {
        if (depth > MaxActionDepth)
        {
            throw OpenFlowException.Violation($"actions nest deeper than {MaxActionDepth} levels");
        }

        var actions = new List<OpenFlowAction>();
        while (!cursor.IsEmpty)
        {
            var type = cursor.U16();
            var length = cursor.U16();
            // Every action is a whole number of 8-byte units; a smaller length would never advance the cursor.
            if (length < 8 || length % 8 != 0)
            {
                throw OpenFlowException.Violation($"action type {type} at offset {cursor.Position - 4} of {cursor.Context} has length " +
                                                  $"{length}, not a positive multiple of 8");
            }

            var body = cursor.Slice(length - 4, "action");
            actions.Add(ReadAction(type, ref body, depth));
        }

        return actions;
    }

    private static OpenFlowAction ReadAction(ushort type, ref WireCursor body, int depth)
    {
        switch (type)
        {
            case ActionOutput when body.Remaining == 12:
            {
                var port = body.U32();
                var maxLength = body.U16();
                return new OutputAction(port, maxLength);
            }

            case ActionOutput:
                throw OpenFlowException.Violation($"OFPAT_OUTPUT has length {body.Remaining + 4}, not 16");
            case ActionSetField:
            {
                var field = ReadOxm(ref body);
                if (field.HasMask)
                {
                    throw OpenFlowException.Violation($"OFPAT_SET_FIELD carries a masked field ({field})");
                }

                return new SetFieldAction(field);
            }

            case ActionExperimenter when IsNicira(body, ExperimenterIds.NiciraResubmitTable):
                body.Skip(6);
                return ReadResubmit(ref body);
            case ActionExperimenter when IsNicira(body, ExperimenterIds.NiciraConntrack):
                body.Skip(6);
                return ReadConntrack(ref body, depth);
            case ActionExperimenter when IsNicira(body, ExperimenterIds.NiciraController2):
                return (OpenFlowAction?)ReadController(body) ?? new RawAction(type, body.Rest);
            default:
                return new RawAction(type, body.Rest);
        }
    }

    /// <summary>Whether the experimenter action body starts with Nicira's id and <paramref name="subtype"/>; the
    /// cursor is a copy, so peeking does not consume.</summary>
    private static bool IsNicira(WireCursor body, ushort subtype) =>
        body.Remaining >= 6 && body.U32() == ExperimenterIds.Nicira && body.U16() == subtype;

    /// <summary>An nx_action_controller2 (the body after type and length) with only the modelled properties, or null
    /// when it has another, which the caller keeps raw.</summary>
    private static ControllerAction? ReadController(WireCursor body)
    {
        body.Skip(12);
        var controller = new ControllerAction();
        while (!body.IsEmpty)
        {
            var start = body.Position;
            var type = body.U16();
            var length = body.U16();
            if (length < 4)
            {
                throw OpenFlowException.Violation($"controller action property {type} has length {length}, shorter than its header");
            }

            var property = body.Slice(length - 4, "controller action property");
            body.SkipPaddingFrom(start);
            switch (type)
            {
                // Either length: the value with or without Open vSwitch's two bytes of padding inside the property.
                case ControllerPropertyMaxLength when property.Remaining is 2 or 4:
                    controller = controller with { MaxLength = property.U16() };
                    break;
                case ControllerPropertyMeterId when property.Remaining == 4:
                    controller = controller with { MeterId = property.U32() };
                    break;
                default:
                    return null;
            }
        }

        return controller;
    }

    private static ResubmitAction ReadResubmit(ref WireCursor body)
    {
        if (body.Remaining != 6)
        {
            throw OpenFlowException.Violation($"NXAST_RESUBMIT_TABLE has length {body.Remaining + 10}, not 16");
        }

        var inPort = body.U16();
        var table = body.U8();
        return new ResubmitAction(table, inPort);
    }
}
