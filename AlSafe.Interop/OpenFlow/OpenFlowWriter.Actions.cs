namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    private const ushort ActionOutput = 0;
    private const ushort ActionSetField = 25;
    private const ushort ActionExperimenter = 0xffff;

    private void WriteActions(IReadOnlyList<OpenFlowAction> actions)
    {
        // Indexed, not foreach: an interface enumerator is an allocation per list, per flow mod.
        for (var i = 0; i < actions.Count; i++)
        {
            WriteAction(actions[i]);
        }
    }

    private void WriteAction(OpenFlowAction action)
    {
        switch (action)
        {
            case OutputAction output:
                U16(ActionOutput);
                U16(16);
                U32(output.Port);
                U16(output.MaxLength);
                Zeros(6);
                break;
            case SetFieldAction setField:
            {
                if (setField.Field.HasMask)
                {
                    throw new ArgumentException($"set_field cannot carry a mask ({setField.Field})", nameof(action));
                }

                var start = _written;
                U16(ActionSetField);
                U16(0);
                WriteOxm(setField.Field);
                PadFrom(start);
                PatchLength(start + 2, start);
                break;
            }

            case ResubmitAction resubmit:
                WriteNiciraHeader(ExperimenterIds.NiciraResubmitTable, 16);
                U16(resubmit.InPort);
                U8(resubmit.Table);
                Zeros(3);
                break;
            case ConntrackAction conntrack:
                WriteConntrack(conntrack);
                break;
            case RawAction raw:
                U16(raw.Type);
                U16((ushort)(raw.BodySpan.Length + 4));
                Bytes(raw.BodySpan);
                break;
            default:
                throw new ArgumentException($"no encoding for the action {action.GetType().Name}", nameof(action));
        }
    }

    /// <summary>Writes the 10 bytes shared by every Nicira action: type, length, vendor, subtype.</summary>
    private void WriteNiciraHeader(ushort subtype, ushort length)
    {
        U16(ActionExperimenter);
        U16(length);
        U32(ExperimenterIds.Nicira);
        U16(subtype);
    }
}
