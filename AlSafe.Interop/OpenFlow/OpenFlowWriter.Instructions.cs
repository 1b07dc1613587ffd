namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    private const ushort InstructionGotoTable = 1;
    private const ushort InstructionWriteActions = 3;
    private const ushort InstructionApplyActions = 4;
    private const ushort InstructionClearActions = 5;

    private void WriteInstructions(IReadOnlyList<OpenFlowInstruction> instructions)
    {
        for (var i = 0; i < instructions.Count; i++)
        {
            var instruction = instructions[i];
            switch (instruction)
            {
                case GotoTableInstruction gotoTable:
                    U16(InstructionGotoTable);
                    U16(8);
                    U8(gotoTable.Table);
                    Zeros(3);
                    break;
                case ApplyActionsInstruction apply:
                    WriteActionsInstruction(InstructionApplyActions, apply.Actions);
                    break;
                case WriteActionsInstruction write:
                    WriteActionsInstruction(InstructionWriteActions, write.Actions);
                    break;
                case ClearActionsInstruction:
                    U16(InstructionClearActions);
                    U16(8);
                    Zeros(4);
                    break;
                case RawInstruction raw:
                    U16(raw.Type);
                    U16((ushort)(raw.BodySpan.Length + 4));
                    Bytes(raw.BodySpan);
                    break;
                default:
                    throw new ArgumentException($"no encoding for the instruction {instruction.GetType().Name}", nameof(instructions));
            }
        }
    }

    private void WriteActionsInstruction(ushort type, IReadOnlyList<OpenFlowAction> actions)
    {
        var start = _written;
        U16(type);
        U16(0);
        Zeros(4);
        WriteActions(actions);
        PatchLength(start + 2, start);
    }
}
