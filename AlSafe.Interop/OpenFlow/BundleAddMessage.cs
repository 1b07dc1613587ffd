namespace AlSafe.Interop.OpenFlow;

/// <summary>A decoded OFPT_BUNDLE_ADD_MESSAGE.</summary>
/// <param name="Inner">The header of the wrapped message; its xid equals the outer one.</param>
/// <param name="FlowMod">The wrapped message when it is a FLOW_MOD; null for other message types.</param>
public sealed record BundleAddMessage(uint BundleId, BundleFlags Flags, OpenFlowHeader Inner, FlowMod? FlowMod);
