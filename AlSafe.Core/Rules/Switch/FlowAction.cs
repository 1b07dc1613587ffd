namespace AlSafe.Core.Rules.Switch;

/// <summary>One OpenFlow action of a flow; a flow whose action list is empty drops the packet.</summary>
public abstract record FlowAction;
