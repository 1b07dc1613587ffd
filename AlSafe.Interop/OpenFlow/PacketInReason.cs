namespace AlSafe.Interop.OpenFlow;

/// <summary>ofp_packet_in_reason; bit n of an async packet-in mask enables reason n.</summary>
public enum PacketInReason : byte
{
    /// <summary>No flow matched (OFPR_NO_MATCH in 1.3).</summary>
    TableMiss = 0,

    /// <summary>An output:CONTROLLER action in an apply-actions list (OFPR_ACTION in 1.3).</summary>
    ApplyAction = 1,

    InvalidTtl = 2,

    /// <summary>OpenFlow 1.4+.</summary>
    ActionSet = 3,

    /// <summary>OpenFlow 1.4+.</summary>
    Group = 4,

    /// <summary>OpenFlow 1.4+: output:CONTROLLER in a packet-out's actions.</summary>
    PacketOut = 5,
}
