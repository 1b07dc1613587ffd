using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// Turns a VM's grants into its switch flows, and gives the bridge-wide flows that belong to no VM.
/// </summary>
/// <remarks>
/// The pipeline is a stateful firewall in the manner of Open vSwitch's and Neutron's conntrack firewalls, with one
/// conntrack zone per VM, so that a packet between two protected VMs is judged by the sender's zone on the way out and
/// by the receiver's zone on the way in, and neither VM's grants can open the other.
/// <list type="table">
/// <item><term>0 Source</term><description>
/// From a protected VM's port only what carries its own MAC passes: ARP with its MAC and IPv4 addresses, neighbour
/// solicitations and router solicitations from its IPv6 addresses or from :: (duplicate address detection), neighbour
/// advertisements for its own addresses only, DHCP client messages from its own addresses (IPv4 also from 0.0.0.0,
/// before it has one); these continue in table 2 so that a unicast to another protected VM is still judged by that VM.
/// IP from its own addresses enters its zone and table 1. Anything else from the port is dropped. Broadcast ARP
/// requests and neighbour solicitations from unprotected ports go to NORMAL, which floods them to protected ports
/// too; all other frames from unprotected ports go to table 2.
/// </description></item>
/// <item><term>1 Egress</term><description>
/// Known connections (established or related, not invalid) of the VM's zone, and the first packet of an outbound
/// grant's exact five-tuple, which is committed; both continue in table 2. Everything else is dropped, including
/// replies a server inside the VM was never asked for; the first packet of any other new connection (a TCP SYN
/// without ACK, a UDP datagram conntrack has not seen) is also reported to the controller (see
/// <see cref="FlowPlannerOptions.ReportNewConnections"/>).
/// </description></item>
/// <item><term>2 Destination</term><description>
/// Unicast to a protected VM's MAC: ARP, neighbour discovery and DHCP replies are delivered to its port; IP to one of
/// its own addresses enters its zone and table 3; the rest is dropped. A broadcast ARP request or a neighbour
/// solicitation for one of its addresses (from a protected port: see table 0) is switched by NORMAL, which hands it
/// to unprotected ports only, and delivered to its port; one the VM sent itself only goes to NORMAL. Broadcast and
/// multicast IP is dropped bridge-wide except address configuration, because NORMAL would hand it to every port and
/// so past every VM's ingress check. Everything else is switched by NORMAL.
/// </description></item>
/// <item><term>3 Ingress</term><description>
/// Known connections of the VM's zone, and the first packet of an inbound grant (the remote port range as masked
/// ports), which is committed; both are output to the VM's port, not to NORMAL, so a MAC the switch has not learnt
/// is never flooded. Everything else is dropped; the first packet of another new connection is reported too, as in
/// table 1.
/// </description></item>
/// </list>
/// Every VM port is a protected port, so that NORMAL never floods one protected VM's frames to another. Open vSwitch
/// then also drops an explicit output between two protected ports, so each delivery to a VM's port clears in_port
/// first (<see cref="ClearInPortAction"/>); a frame the VM sent itself is never delivered back to it.
/// ICMP passes only as conntrack's related traffic (errors about a known connection): grants name sockets, and a
/// socket is TCP or UDP. A VM's IPv6 link-local address is not derived from its MAC (guests may use stable-privacy
/// addresses): it must be among the port's addresses, like any other address the VM may send from.
/// A report is a packet-in under the VM's cookie from table 1 (the VM's outbound connection) or table 3 (a connection
/// to the VM), which is how the daemon tells the VM and the direction; it is the first <see cref="ReportLength"/> bytes
/// only, and passes the bridge-wide meter <see cref="ReportMeter"/>, so neither a guest nor a scanner outside can
/// flood the daemon. The packet itself is dropped: a report never lets anything through.
/// </remarks>
public static class FlowPlanner
{
    /// <summary>How much of a reported packet goes to the controller: Ethernet, IP (with a few IPv6 extension headers)
    /// and the ports, not the payload.</summary>
    public const ushort ReportLength = 128;

    /// <summary>The switch meter every report passes: one per bridge, installed by the enforcement point.</summary>
    public const uint ReportMeter = 0xa15a;

    private const ushort DhcpServer = 67;
    private const ushort DhcpClient = 68;
    private const ushort Dhcpv6Client = 546;
    private const ushort Dhcpv6Server = 547;
    private const uint LastPhysicalPort = 0xffffff00;

    private static readonly GotoTableAction ToDestination = new(FlowTable.Destination);
    private static readonly MaskedMac Broadcast = MaskedMac.Exact(new MacAddress(0xffff_ffff_ffff));

    // 33:33:ff:00:00:00/ff:ff:ff:00:00:00, the Ethernet addresses of IPv6 solicited-node multicast groups (RFC 2464).
    private static readonly MaskedMac SolicitedNode = new(new MacAddress(0x3333_ff00_0000), new MacAddress(0xffff_ff00_0000));

    /// <summary>The bridge-wide flows, under <see cref="RuleCookie.Base"/>: table misses and group-addressed traffic.</summary>
    public static FlowPlan BasePlan()
    {
        var group = new FlowMatch { EthDst = MaskedMac.GroupAddressed };
        var normal = new FlowAction[] { NormalAction.Instance };
        var flows = new List<Flow>
        {
            BaseFlow(FlowTable.Source, FlowPriority.TableMiss, new FlowMatch(), ToDestination),
            BaseFlow(FlowTable.Source, FlowPriority.UnprotectedSolicitation, new FlowMatch { EthType = EtherType.Arp, EthDst = Broadcast }, normal),
            BaseFlow(FlowTable.Source, FlowPriority.UnprotectedSolicitation, Icmpv6(new FlowMatch { EthDst = SolicitedNode }, Icmpv6Type.NeighborSolicitation), normal),
            BaseFlow(FlowTable.Egress, FlowPriority.TableMiss, new FlowMatch()),
            BaseFlow(FlowTable.Destination, FlowPriority.TableMiss, new FlowMatch(), normal),
            BaseFlow(FlowTable.Ingress, FlowPriority.TableMiss, new FlowMatch()),
            BaseFlow(FlowTable.Destination, FlowPriority.GroupAddressedIp, group with { EthType = EtherType.Ipv4 }),
            BaseFlow(FlowTable.Destination, FlowPriority.GroupAddressedIp, group with { EthType = EtherType.Ipv6 }),
            BaseFlow(FlowTable.Destination, FlowPriority.AddressConfiguration, Udp(group, EtherType.Ipv4, DhcpClient, DhcpServer), normal),
            BaseFlow(FlowTable.Destination, FlowPriority.AddressConfiguration, Udp(group, EtherType.Ipv4, DhcpServer, DhcpClient), normal),
            BaseFlow(FlowTable.Destination, FlowPriority.AddressConfiguration, Udp(group, EtherType.Ipv6, Dhcpv6Client, Dhcpv6Server), normal),
        };
        flows.AddRange(Enum.GetValues<Icmpv6Type>().Select(type =>
            BaseFlow(FlowTable.Destination, FlowPriority.AddressConfiguration, Icmpv6(group, type), normal)));
        return new FlowPlan(RuleCookie.Base, flows);
    }

    /// <summary>Every flow of one VM, under its cookie, with the <see cref="FlowPlannerOptions.Default"/> options.</summary>
    public static FlowPlan Plan(GrantSet grants) => Plan(grants, FlowPlannerOptions.Default);

    /// <summary>Every flow of one VM, under its cookie.</summary>
    public static FlowPlan Plan(GrantSet grants, FlowPlannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        GrantConsistency.Check(grants);
        var vm = grants.Vm;
        CheckPort(vm);
        var own = vm.Addresses.Distinct().ToList();
        var reported = options.ReportNewConnections ? own.Select(EtherTypeOf).Distinct().Order().ToList() : [];
        var flows = new List<Flow>();
        flows.AddRange(SourceFlows(vm, own));
        flows.AddRange(EgressFlows(vm, grants.Outbound));
        flows.AddRange(DestinationFlows(vm, own));
        flows.AddRange(IngressFlows(vm, grants.Inbound));
        flows.AddRange(Reports(vm, FlowTable.Egress, new FlowMatch { InPort = vm.OfPort }, reported));
        flows.AddRange(Reports(vm, FlowTable.Ingress, new FlowMatch { CtZone = vm.Zone }, reported));
        return new FlowPlan(vm.Cookie, flows);
    }

    private static IEnumerable<Flow> SourceFlows(VmPort vm, IReadOnlyList<IPAddress> own)
    {
        var fromVm = new FlowMatch { InPort = vm.OfPort, EthSrc = vm.Mac };
        var v4 = own.Where(address => address.AddressFamily == AddressFamily.InterNetwork).ToList();
        var v6 = own.Where(address => address.AddressFamily == AddressFamily.InterNetworkV6).ToList();
        var config = new List<FlowMatch>();
        config.AddRange(v4.Select(address => fromVm with { EthType = EtherType.Arp, ArpSpa = address, ArpSha = vm.Mac }));
        // A client without a lease sends from 0.0.0.0; one renewing sends from its address, to a server's unicast too.
        if (v4.Count > 0)
        {
            config.AddRange(v4.Prepend(IPAddress.Any).Select(source =>
                Udp(fromVm, EtherType.Ipv4, DhcpClient, DhcpServer) with { IpSrc = AddressPrefix.Host(source) }));
        }

        if (v6.Count > 0)
        {
            foreach (var source in v6.Append(IPAddress.IPv6Any))
            {
                config.Add(Icmpv6(fromVm, Icmpv6Type.RouterSolicitation) with { IpSrc = AddressPrefix.Host(source) });
                config.Add(Icmpv6(fromVm, Icmpv6Type.NeighborSolicitation) with { IpSrc = AddressPrefix.Host(source) });
            }

            config.AddRange(v6.Select(address => Icmpv6(fromVm, Icmpv6Type.NeighborAdvertisement) with { NdTarget = address }));
            // DHCPv6 clients always send from an address of theirs (the link-local one at first, RFC 8415), and to a
            // server's unicast address when the server allows it.
            config.AddRange(v6.Select(source =>
                Udp(fromVm, EtherType.Ipv6, Dhcpv6Client, Dhcpv6Server) with { IpSrc = AddressPrefix.Host(source) }));
        }

        foreach (var match in config)
        {
            yield return VmFlow(vm, FlowTable.Source, FlowPriority.AddressConfiguration, match, ToDestination);
        }

        foreach (var address in own)
        {
            var match = fromVm with { EthType = EtherTypeOf(address), IpSrc = AddressPrefix.Host(address) };
            yield return VmFlow(vm, FlowTable.Source, FlowPriority.OwnAddress, match, new ConntrackAction(false, vm.Zone, FlowTable.Egress));
        }

        yield return VmFlow(vm, FlowTable.Source, FlowPriority.VmDefault, new FlowMatch { InPort = vm.OfPort });
    }

    private static IEnumerable<Flow> EgressFlows(VmPort vm, IEnumerable<OutboundGrant> grants)
    {
        var fromVm = new FlowMatch { InPort = vm.OfPort };
        var commit = new FlowAction[] { new ConntrackAction(true, vm.Zone, null), ToDestination };
        foreach (var known in KnownConnections(fromVm))
        {
            yield return VmFlow(vm, FlowTable.Egress, FlowPriority.KnownConnection, known, ToDestination);
        }

        foreach (var grant in grants)
        {
            var match = fromVm with
            {
                CtState = ConntrackStateMatch.ValidTracked(ConntrackStates.New),
                EthType = EtherTypeOf(grant.VmAddress),
                IpProto = ProtocolOf(grant.Protocol),
                IpSrc = AddressPrefix.Host(grant.VmAddress),
                IpDst = AddressPrefix.Host(grant.RemoteAddress),
                TpSrc = MaskedPort.Exact(grant.LocalPort),
                TpDst = MaskedPort.Exact(grant.RemotePort),
            };
            yield return VmFlow(vm, FlowTable.Egress, FlowPriority.Grant, match, commit);
        }

        yield return VmFlow(vm, FlowTable.Egress, FlowPriority.VmDefault, fromVm);
    }

    private static IEnumerable<Flow> DestinationFlows(VmPort vm, IReadOnlyList<IPAddress> own)
    {
        var toVm = new FlowMatch { EthDst = MaskedMac.Exact(vm.Mac) };
        var deliver = Deliver(vm);
        var config = new List<FlowMatch>();
        if (own.Any(address => address.AddressFamily == AddressFamily.InterNetwork))
        {
            config.Add(toVm with { EthType = EtherType.Arp });
            config.Add(Udp(toVm, EtherType.Ipv4, DhcpServer, DhcpClient));
        }

        if (own.Any(address => address.AddressFamily == AddressFamily.InterNetworkV6))
        {
            config.Add(Icmpv6(toVm, Icmpv6Type.RouterAdvertisement));
            config.Add(Icmpv6(toVm, Icmpv6Type.NeighborSolicitation));
            config.Add(Icmpv6(toVm, Icmpv6Type.NeighborAdvertisement));
            config.Add(Udp(toVm, EtherType.Ipv6, Dhcpv6Server, Dhcpv6Client));
        }

        foreach (var match in config)
        {
            yield return VmFlow(vm, FlowTable.Destination, FlowPriority.AddressConfiguration, match, deliver);
        }

        // NORMAL comes first: it still sees the sender's in_port, so it floods to unprotected ports only.
        var normal = new FlowAction[] { NormalAction.Instance };
        FlowAction[] normalAndDeliver = [NormalAction.Instance, .. deliver];
        foreach (var solicitation in Solicitations(own))
        {
            yield return VmFlow(vm, FlowTable.Destination, FlowPriority.FromItself, solicitation with { InPort = vm.OfPort }, normal);
            yield return VmFlow(vm, FlowTable.Destination, FlowPriority.Solicitation, solicitation, normalAndDeliver);
        }

        yield return VmFlow(vm, FlowTable.Destination, FlowPriority.FromItself, toVm with { InPort = vm.OfPort });

        foreach (var address in own)
        {
            var match = toVm with { EthType = EtherTypeOf(address), IpDst = AddressPrefix.Host(address) };
            yield return VmFlow(vm, FlowTable.Destination, FlowPriority.OwnAddress, match, new ConntrackAction(false, vm.Zone, FlowTable.Ingress));
        }

        yield return VmFlow(vm, FlowTable.Destination, FlowPriority.VmDefault, toVm);
    }

    private static IEnumerable<Flow> IngressFlows(VmPort vm, IEnumerable<InboundGrant> grants)
    {
        var inZone = new FlowMatch { CtZone = vm.Zone };
        var deliver = Deliver(vm);
        FlowAction[] commit = [new ConntrackAction(true, vm.Zone, null), .. deliver];
        foreach (var known in KnownConnections(inZone))
        {
            yield return VmFlow(vm, FlowTable.Ingress, FlowPriority.KnownConnection, known, deliver);
        }

        foreach (var grant in grants)
        {
            var match = inZone with
            {
                CtState = ConntrackStateMatch.ValidTracked(ConntrackStates.New),
                EthType = EtherTypeOf(grant.VmAddress),
                IpProto = ProtocolOf(grant.Protocol),
                IpSrc = grant.Remote.Length == 0 ? null : grant.Remote,
                IpDst = AddressPrefix.Host(grant.VmAddress),
                TpDst = MaskedPort.Exact(grant.Port),
            };
            var remotePorts = grant.RemotePort.IsAny ? [null] : PortRangeMasks.Cover(grant.RemotePort).Select(port => (MaskedPort?)port);
            foreach (var remotePort in remotePorts)
            {
                yield return VmFlow(vm, FlowTable.Ingress, FlowPriority.Grant, match with { TpSrc = remotePort }, commit);
            }
        }

        yield return VmFlow(vm, FlowTable.Ingress, FlowPriority.VmDefault, inZone);
    }

    // Only families the VM has an address of: table 0 sends nothing else into its zone, and table 2 nothing else to it.
    private static IEnumerable<Flow> Reports(VmPort vm, FlowTable table, FlowMatch owner, IReadOnlyList<EtherType> families)
    {
        var report = new ControllerAction(ReportLength, ReportMeter);
        var fresh = owner with { CtState = ConntrackStateMatch.ValidTracked(ConntrackStates.New) };
        foreach (var family in families)
        {
            yield return VmFlow(vm, table, FlowPriority.NewConnectionReport,
                fresh with { EthType = family, IpProto = IpProtocol.Tcp, TcpFlags = TcpFlagsMatch.Opening }, report);
            yield return VmFlow(vm, table, FlowPriority.NewConnectionReport, fresh with { EthType = family, IpProto = IpProtocol.Udp }, report);
        }
    }

    private static IEnumerable<FlowMatch> Solicitations(IReadOnlyList<IPAddress> own) => own.Select(address =>
        address.AddressFamily == AddressFamily.InterNetwork
            ? new FlowMatch { EthType = EtherType.Arp, EthDst = Broadcast, ArpTpa = address }
            : Icmpv6(new FlowMatch { EthDst = SolicitedNodeOf(address) }, Icmpv6Type.NeighborSolicitation) with { NdTarget = address });

    private static MaskedMac SolicitedNodeOf(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return MaskedMac.Exact(new MacAddress(SolicitedNode.Value.Value | ((ulong)bytes[13] << 16) | ((ulong)bytes[14] << 8) | bytes[15]));
    }

    private static FlowAction[] Deliver(VmPort vm) => [ClearInPortAction.Instance, new OutputAction(vm.OfPort)];

    private static IEnumerable<FlowMatch> KnownConnections(FlowMatch owner) =>
    [
        owner with { CtState = ConntrackStateMatch.ValidTracked(ConntrackStates.Established) },
        owner with { CtState = ConntrackStateMatch.ValidTracked(ConntrackStates.Related) },
    ];

    // A cookie outside the VM namespace could let a replace-by-cookie delete another owner's flows; zone 0 is the
    // zone of every ct() that names none.
    private static void CheckPort(VmPort vm)
    {
        if (!RuleCookie.IsVmCookie(vm.Cookie))
        {
            throw new ArgumentException($"VM {vm.Name}: cookie 0x{vm.Cookie:x} is not an AL-SAFE VM cookie (see {nameof(RuleCookie)}.{nameof(RuleCookie.ForVm)})");
        }

        if (vm.Zone == 0)
        {
            throw new ArgumentException($"VM {vm.Name}: conntrack zone 0 is shared with untracked traffic; a VM needs its own zone");
        }

        if (vm.OfPort is 0 or > LastPhysicalPort)
        {
            throw new ArgumentException($"VM {vm.Name}: OpenFlow port {vm.OfPort} is not a switch port number");
        }

        if (vm.Mac.Value == 0 || vm.Mac.IsMulticast)
        {
            throw new ArgumentException($"VM {vm.Name}: {vm.Mac} cannot be a VM's own MAC");
        }
    }

    private static FlowMatch Udp(FlowMatch match, EtherType family, ushort source, ushort destination) => match with
    {
        EthType = family,
        IpProto = IpProtocol.Udp,
        TpSrc = MaskedPort.Exact(source),
        TpDst = MaskedPort.Exact(destination),
    };

    private static FlowMatch Icmpv6(FlowMatch match, Icmpv6Type type) =>
        match with { EthType = EtherType.Ipv6, IpProto = IpProtocol.Icmpv6, Icmpv6Type = type };

    private static EtherType EtherTypeOf(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? EtherType.Ipv4 : EtherType.Ipv6;

    private static IpProtocol ProtocolOf(SocketProtocol protocol) => protocol switch
    {
        SocketProtocol.Tcp => IpProtocol.Tcp,
        SocketProtocol.Udp => IpProtocol.Udp,
        _ => throw new ArgumentException($"no switch rule for protocol {protocol}", nameof(protocol)),
    };

    private static Flow VmFlow(VmPort vm, FlowTable table, ushort priority, FlowMatch match, params FlowAction[] actions) =>
        new(table, priority, vm.Cookie, match, actions);

    private static Flow BaseFlow(FlowTable table, ushort priority, FlowMatch match, params FlowAction[] actions) =>
        new(table, priority, RuleCookie.Base, match, actions);
}
