namespace AlSafe.Core.Rules.Switch;

/// <summary>The ICMPv6 neighbour-discovery messages (RFC 4861) that IPv6 address configuration needs.</summary>
public enum Icmpv6Type : byte
{
    RouterSolicitation = 133,
    RouterAdvertisement = 134,
    NeighborSolicitation = 135,
    NeighborAdvertisement = 136,
}
