namespace AlSafe.Interop.OpenFlow;

/// <summary>Bits of NXM_NX_CT_STATE, the connection-tracking state a packet has after a ct() action.</summary>
[Flags]
public enum CtStateFlags : uint
{
    None = 0,

    /// <summary>+new: the first packet of a connection not yet committed.</summary>
    New = 0x01,

    /// <summary>+est: part of an established (committed, seen both ways) connection.</summary>
    Established = 0x02,

    /// <summary>+rel: related to an established connection (ICMP errors, FTP data).</summary>
    Related = 0x04,

    /// <summary>+rpl: travelling in the reply direction.</summary>
    Reply = 0x08,

    /// <summary>+inv: conntrack could not make sense of the packet.</summary>
    Invalid = 0x10,

    /// <summary>+trk: the packet went through conntrack; every other bit is meaningful only with it.</summary>
    Tracked = 0x20,

    SourceNat = 0x40,

    DestinationNat = 0x80,
}
