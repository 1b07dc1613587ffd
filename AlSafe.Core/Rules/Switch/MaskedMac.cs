namespace AlSafe.Core.Rules.Switch;

/// <summary>An Ethernet address match: the bits under <paramref name="Mask"/> must equal <paramref name="Value"/>.</summary>
public readonly record struct MaskedMac(MacAddress Value, MacAddress Mask)
{
    private const ulong AllBits = 0xffff_ffff_ffff;
    private const ulong GroupBit = 0x0100_0000_0000;

    /// <summary>Broadcast and multicast destinations: the group bit of the first octet.</summary>
    public static MaskedMac GroupAddressed { get; } = new(new MacAddress(GroupBit), new MacAddress(GroupBit));

    public static MaskedMac Exact(MacAddress mac) => new(mac, new MacAddress(AllBits));

    public bool IsExact => Mask.Value == AllBits;
}
