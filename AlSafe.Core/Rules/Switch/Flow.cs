namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// One OpenFlow flow. Two flows are equal when table, priority, cookie, match and the action sequence are, which is
/// what the diff needs to know whether a flow on the switch is still the planned one.
/// </summary>
public sealed record Flow
{
    public Flow(FlowTable table, ushort priority, ulong cookie, FlowMatch match, IReadOnlyList<FlowAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        Table = table;
        Priority = priority;
        Cookie = cookie;
        Match = MatchPrerequisites.Checked(match);
        Actions = [.. actions];
        for (var i = 0; i < Actions.Count; i++)
        {
            // Both continue the pipeline elsewhere: nothing may follow them, and going backwards could loop.
            var next = Actions[i] switch
            {
                GotoTableAction go => go.Table,
                ConntrackAction { Table: { } recirculate } => recirculate,
                _ => (FlowTable?)null,
            };
            if (next is { } target && (target <= table || i != Actions.Count - 1))
            {
                throw new ArgumentException($"a flow in table {(byte)table} may only continue in a later table, as its last action", nameof(actions));
            }
        }
    }

    public FlowTable Table { get; }

    public ushort Priority { get; }

    public ulong Cookie { get; }

    public FlowMatch Match { get; }

    /// <summary>The actions in order; empty means drop.</summary>
    public IReadOnlyList<FlowAction> Actions { get; }

    public FlowKey Key => new(Table, Priority, Match);

    public bool Equals(Flow? other) =>
        other is not null && Key == other.Key && Cookie == other.Cookie && Actions.SequenceEqual(other.Actions);

    public override int GetHashCode() => HashCode.Combine(Key, Cookie, Actions.Count);

    public override string ToString() => OfctlFormatter.Flow(this);
}
