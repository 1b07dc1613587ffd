using System.Net.Sockets;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// Refuses matches the switch would refuse (OpenFlow's prerequisites) or silently rewrite (value bits outside the
/// mask), so a flow that is planned is a flow the switch stores exactly as planned.
/// </summary>
internal static class MatchPrerequisites
{
    public static FlowMatch Checked(FlowMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var ipFamily = match.EthType switch
        {
            EtherType.Ipv4 => AddressFamily.InterNetwork,
            EtherType.Ipv6 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unspecified,
        };

        CheckPrefix(match.IpSrc, ipFamily, "IP source");
        CheckPrefix(match.IpDst, ipFamily, "IP destination");
        Require(match.IpProto is null || ipFamily != AddressFamily.Unspecified, "an IP protocol needs an IP ether type");
        Require(match.IpProto != IpProtocol.Icmpv6 || ipFamily == AddressFamily.InterNetworkV6, "ICMPv6 needs IPv6");
        var transport = match.IpProto is IpProtocol.Tcp or IpProtocol.Udp;
        Require(match.TpSrc is null || transport, "a source port needs TCP or UDP");
        Require(match.TpDst is null || transport, "a destination port needs TCP or UDP");
        Require(match.TpSrc is not { } src || (src.Value & ~src.Mask & 0xffff) == 0, "source port bits outside the mask");
        Require(match.TpDst is not { } dst || (dst.Value & ~dst.Mask & 0xffff) == 0, "destination port bits outside the mask");
        Require(match.TcpFlags is null || match.IpProto == IpProtocol.Tcp, "TCP flags need TCP");
        Require(match.TcpFlags is not { } flags || (flags.Bits & ~flags.Mask) == 0, "TCP flag bits outside the mask");
        Require(match.TcpFlags is not { } named || ((ushort)named.Mask & ~0x1ff) == 0, "TCP flags beyond NS");
        Require(match.EthDst is not { } eth || (eth.Value.Value & ~eth.Mask.Value) == 0, "Ethernet destination bits outside the mask");
        Require(match.CtState is not { } ct || (ct.Bits & ~ct.Mask) == 0, "ct_state bits outside the mask");

        var arp = match.EthType == EtherType.Arp;
        Require(match.ArpSha is null || arp, "an ARP sender hardware address needs the ARP ether type");
        Require(match.ArpSpa is null || (arp && match.ArpSpa.AddressFamily == AddressFamily.InterNetwork), "an ARP sender address needs ARP and IPv4");
        Require(match.ArpTpa is null || (arp && match.ArpTpa.AddressFamily == AddressFamily.InterNetwork), "an ARP target address needs ARP and IPv4");
        Require(match.Icmpv6Type is null || match.IpProto == IpProtocol.Icmpv6, "an ICMPv6 type needs ICMPv6");
        Require(
            match.NdTarget is null || (match.Icmpv6Type is Switch.Icmpv6Type.NeighborSolicitation or Switch.Icmpv6Type.NeighborAdvertisement
                && match.NdTarget.AddressFamily == AddressFamily.InterNetworkV6),
            "an ND target needs a neighbour solicitation or advertisement and an IPv6 address");
        return match;
    }

    // Every flow passes here: the message is made only for a match that is refused.
    private static void CheckPrefix(AddressPrefix? prefix, AddressFamily ipFamily, string what)
    {
        if (prefix is { } p && (p.IsAny || p.Family != ipFamily))
        {
            Require(false, $"an {what} prefix needs the ether type of its own family");
        }
    }

    private static void Require(bool condition, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"OpenFlow match refused: {rule}");
        }
    }
}
