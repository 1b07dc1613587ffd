namespace AlSafe.Interop.OpenFlow;

/// <summary>OFPIT_APPLY_ACTIONS: run the actions now, in order.</summary>
public sealed record ApplyActionsInstruction : OpenFlowInstruction
{
    public ApplyActionsInstruction(IEnumerable<OpenFlowAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        Actions = [.. actions];
    }

    public IReadOnlyList<OpenFlowAction> Actions { get; }

    public bool Equals(ApplyActionsInstruction? other) => other is not null && Actions.SequenceEqual(other.Actions);

    public override int GetHashCode() => HashCode.Combine(typeof(ApplyActionsInstruction), Actions.Count);

    public override string ToString() => Actions.Count == 0 ? "drop" : string.Join(",", Actions);
}
