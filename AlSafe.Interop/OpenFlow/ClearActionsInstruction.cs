namespace AlSafe.Interop.OpenFlow;

/// <summary>OFPIT_CLEAR_ACTIONS: empty the action set.</summary>
public sealed record ClearActionsInstruction : OpenFlowInstruction
{
    public static ClearActionsInstruction Instance { get; } = new();

    public override string ToString() => "clear_actions";
}
