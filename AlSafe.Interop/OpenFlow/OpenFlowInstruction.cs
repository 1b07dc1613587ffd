namespace AlSafe.Interop.OpenFlow;

/// <summary>An instruction of a flow: what happens to a packet the flow matches.</summary>
public abstract record OpenFlowInstruction;
