namespace AlSafe.Core.Rules.Switch;

/// <summary>The Ethernet payload types the pipeline matches.</summary>
public enum EtherType : ushort
{
    Ipv4 = 0x0800,
    Arp = 0x0806,
    Ipv6 = 0x86dd,
}
