namespace AlSafe.Interop.OpenFlow;

/// <summary>An OFPT_BUNDLE_CONTROL (OpenFlow 1.4+); the flags of every control message of a bundle must be the same
/// as those it was opened with.</summary>
public sealed record BundleControlMessage(uint BundleId, BundleControlType Type, BundleFlags Flags);
