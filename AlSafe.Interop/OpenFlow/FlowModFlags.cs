namespace AlSafe.Interop.OpenFlow;

/// <summary>ofp_flow_mod_flags.</summary>
[Flags]
public enum FlowModFlags : ushort
{
    None = 0,

    /// <summary>Send OFPT_FLOW_REMOVED when the flow expires or is deleted.</summary>
    SendFlowRemoved = 1 << 0,

    /// <summary>Refuse an add that overlaps an existing flow of the same priority (OFPFMFC_OVERLAP). Request-only:
    /// it is not part of the stored flow.</summary>
    CheckOverlap = 1 << 1,

    /// <summary>Zero the packet and byte counters of a modified flow. Request-only.</summary>
    ResetCounts = 1 << 2,

    NoPacketCounts = 1 << 3,

    NoByteCounts = 1 << 4,
}
