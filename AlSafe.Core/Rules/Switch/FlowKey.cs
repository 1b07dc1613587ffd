namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// What makes two flows the same flow to an OpenFlow switch: table, priority and match. Adding a flow with the key of
/// an existing one replaces it.
/// </summary>
public readonly record struct FlowKey(FlowTable Table, ushort Priority, FlowMatch Match);
