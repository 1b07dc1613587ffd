namespace AlSafe.Interop.OpenFlow;

public ref partial struct OpenFlowReader
{
    private const ushort InstructionGotoTable = 1;
    private const ushort InstructionWriteActions = 3;
    private const ushort InstructionApplyActions = 4;
    private const ushort InstructionClearActions = 5;

    /// <summary>Reads instructions until <paramref name="cursor"/> is empty.</summary>
    private static List<OpenFlowInstruction> ReadInstructions(ref WireCursor cursor)
    {
        var instructions = new List<OpenFlowInstruction>();
        while (!cursor.IsEmpty)
        {
            var type = cursor.U16();
            var length = cursor.U16();
            if (length < 8 || length % 8 != 0)
            {
                throw OpenFlowException.Violation($"instruction type {type} at offset {cursor.Position - 4} of {cursor.Context} has " +
                                                  $"length {length}, not a positive multiple of 8");
            }

            var body = cursor.Slice(length - 4, "instruction");
            instructions.Add(type switch
            {
                InstructionGotoTable when length == 8 => new GotoTableInstruction(body.U8()),
                InstructionApplyActions => new ApplyActionsInstruction(ReadInstructionActions(ref body)),
                InstructionWriteActions => new WriteActionsInstruction(ReadInstructionActions(ref body)),
                InstructionClearActions when length == 8 => ClearActionsInstruction.Instance,
                InstructionGotoTable or InstructionClearActions =>
                    throw OpenFlowException.Violation($"instruction type {type} has length {length}, not 8"),
                _ => new RawInstruction(type, body.Rest),
            });
        }

        return instructions;
    }

    private static List<OpenFlowAction> ReadInstructionActions(ref WireCursor body)
    {
        body.Skip(4);
        return ReadActions(ref body, 0);
    }
}
