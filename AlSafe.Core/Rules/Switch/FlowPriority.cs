namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// The fixed priorities of the pipeline. Flows of one table that can match the same packet get different priorities,
/// so which flow wins never depends on the switch's choice among equals.
/// </summary>
public static class FlowPriority
{
    /// <summary>
    /// Frames from a VM's own port in table 2: to its own MAC they are dropped, and its broadcast ARP requests and
    /// neighbour solicitations for its own addresses (gratuitous ARP, duplicate address detection) are switched by
    /// NORMAL alone. A delivery clears in_port, which lifts the switch's refusal to output a frame to the port it came
    /// from, so these win over every delivery of the VM's flows.
    /// </summary>
    public const ushort FromItself = 410;

    /// <summary>
    /// A broadcast ARP request or neighbour solicitation for a protected VM's address: NORMAL no longer floods it to
    /// the VM's protected port when it comes from another protected port, so it is delivered explicitly; above the
    /// bridge-wide <see cref="AddressConfiguration"/> flows it overlaps.
    /// </summary>
    public const ushort Solicitation = 400;

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

    /// <summary>
    /// The first packet of a new connection no grant allowed (tables 1 and 3): reported to the controller and dropped.
    /// Below every grant, so a granted connection is never reported, and above the VM's default drop.
    /// </summary>
    public const ushort NewConnectionReport = 100;

    /// <summary>Whatever a VM's own flows did not allow: dropped.</summary>
    public const ushort VmDefault = 10;

    /// <summary>
    /// Bridge-wide, below every VM's <see cref="VmDefault"/> so only frames from unprotected ports reach it: broadcast
    /// ARP requests and neighbour solicitations go to NORMAL at once, which floods them to protected ports too; in
    /// table 2 a <see cref="Solicitation"/> flow would deliver them to their VM a second time.
    /// </summary>
    public const ushort UnprotectedSolicitation = 5;

    /// <summary>Bridge-wide: what happens to packets no other flow of the table matched.</summary>
    public const ushort TableMiss = 0;
}
