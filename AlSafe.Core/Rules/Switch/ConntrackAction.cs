namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// Open vSwitch's ct action (a Nicira extension): passes the packet through conntrack in <paramref name="Zone"/>,
/// committing the connection when <paramref name="Commit"/> is set, and continues in <paramref name="Table"/> with the
/// conntrack state known, or, without a table, with the next action.
/// </summary>
public sealed record ConntrackAction(bool Commit, ushort Zone, FlowTable? Table) : FlowAction;
