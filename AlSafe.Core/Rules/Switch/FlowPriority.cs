namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// The fixed priorities of the pipeline. Flows of one table that can match the same packet get different priorities,
/// so which flow wins never depends on the switch's choice among equals.
/// </summary>
public static class FlowPriority
{
    /// <summary>ARP, neighbour discovery and DHCP, which must win over the own-address flows they overlap.</summary>
    public const ushort AddressConfiguration = 300;

    /// <summary>Packets conntrack already knows (established or related, not invalid).</summary>
    public const ushort KnownConnection = 300;

    /// <summary>IP from or to one of the VM's own addresses, sent into its conntrack zone.</summary>
    public const ushort OwnAddress = 200;

    /// <summary>The first packet of a connection a grant allows.</summary>
    public const ushort Grant = 200;

    /// <summary>Bridge-wide: broadcast and multicast IP that is not address configuration.</summary>
    public const ushort GroupAddressedIp = 100;

    /// <summary>Whatever a VM's own flows did not allow: dropped.</summary>
    public const ushort VmDefault = 10;

    /// <summary>Bridge-wide: what happens to packets no other flow of the table matched.</summary>
    public const ushort TableMiss = 0;
}
