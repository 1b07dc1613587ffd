namespace AlSafe.Core.Rules.Switch;

/// <summary>Continues with a later table (OpenFlow's goto-table instruction, so it is always the last action).</summary>
public sealed record GotoTableAction(FlowTable Table) : FlowAction;
