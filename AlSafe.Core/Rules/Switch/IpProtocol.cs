namespace AlSafe.Core.Rules.Switch;

/// <summary>The IP protocol numbers the pipeline matches.</summary>
public enum IpProtocol : byte
{
    Tcp = 6,
    Udp = 17,
    Icmpv6 = 58,
}
