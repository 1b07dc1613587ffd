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
            case ControllerAction controller:
                WriteController(controller);
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

    // NXAC2PT_*: the properties of NXAST_CONTROLLER2 that are modelled.
    private const ushort ControllerPropertyMaxLength = 0;
    private const ushort ControllerPropertyMeterId = 5;

    /// <summary>nx_action_controller2: the Nicira header and 6 zero bytes, then one property per setting that is not
    /// its default, each padded to 8 bytes, in Open vSwitch's own order, so the action reads back byte for byte.</summary>
    private void WriteController(ControllerAction controller)
    {
        var start = _written;
        WriteNiciraHeader(ExperimenterIds.NiciraController2, 0);
        Zeros(6);
        if (controller.MaxLength != OutputAction.WholePacket)
        {
            // Open vSwitch writes a 16-bit property as 32 bits, the value first, and counts all of it.
            U16(ControllerPropertyMaxLength);
            U16(8);
            U16(controller.MaxLength);
            Zeros(2);
        }

        if (controller.MeterId is { } meter)
        {
            U16(ControllerPropertyMeterId);
            U16(8);
            U32(meter);
        }

        PatchLength(start + 2, start);
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
