using System.Net;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// The fields an OpenFlow flow matches on; a null field is wildcarded. Kept structured (not text) so that the same
/// match can be rendered for ovs-ofctl and encoded as OXM on the wire. Field prerequisites (an IP address needs the
/// IP ether type, a port needs TCP or UDP, TCP flags need TCP) are checked when a <see cref="Flow"/> is made.
/// </summary>
public sealed record FlowMatch
{
    public ConntrackStateMatch? CtState { get; init; }

    public ushort? CtZone { get; init; }

    public uint? InPort { get; init; }

    public MacAddress? EthSrc { get; init; }

    public MaskedMac? EthDst { get; init; }

    public EtherType? EthType { get; init; }

    public AddressPrefix? IpSrc { get; init; }

    public AddressPrefix? IpDst { get; init; }

    public IpProtocol? IpProto { get; init; }

    public IPAddress? ArpSpa { get; init; }

    /// <summary>The ARP target protocol address: the IPv4 address a request asks about.</summary>
    public IPAddress? ArpTpa { get; init; }

    public MacAddress? ArpSha { get; init; }

    public Icmpv6Type? Icmpv6Type { get; init; }

    public IPAddress? NdTarget { get; init; }

    public MaskedPort? TpSrc { get; init; }

    public MaskedPort? TpDst { get; init; }

    /// <summary>The TCP flags; needs TCP.</summary>
    public TcpFlagsMatch? TcpFlags { get; init; }

    public override string ToString() => OfctlFormatter.Match(this);
}
