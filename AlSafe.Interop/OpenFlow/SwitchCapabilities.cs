namespace AlSafe.Interop.OpenFlow;

/// <summary>ofp_capabilities from FEATURES_REPLY.</summary>
[Flags]
public enum SwitchCapabilities : uint
{
    None = 0,
    FlowStats = 1 << 0,
    TableStats = 1 << 1,
    PortStats = 1 << 2,
    GroupStats = 1 << 3,
    IpReassembly = 1 << 5,
    QueueStats = 1 << 6,
    PortBlocked = 1 << 8,

    /// <summary>OpenFlow 1.5 only.</summary>
    Bundles = 1 << 9,

    /// <summary>OpenFlow 1.5 only.</summary>
    FlowMonitoring = 1 << 10,
}
