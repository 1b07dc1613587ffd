namespace AlSafe.Interop.OpenFlow;

/// <summary>OFPIT_WRITE_ACTIONS: merge the actions into the action set, run when the pipeline ends.</summary>
public sealed record WriteActionsInstruction : OpenFlowInstruction
{
    public WriteActionsInstruction(IEnumerable<OpenFlowAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        Actions = [.. actions];
    }

    public IReadOnlyList<OpenFlowAction> Actions { get; }

    public bool Equals(WriteActionsInstruction? other) => other is not null && Actions.SequenceEqual(other.Actions);

    public override int GetHashCode() => HashCode.Combine(typeof(WriteActionsInstruction), Actions.Count);

    public override string ToString() => $"write_actions({string.Join(",", Actions)})";
}
