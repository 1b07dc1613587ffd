using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// One OXM TLV of a match (or of a set_field action): class, field, value and optional mask, exactly as on the wire.
/// </summary>
/// <remarks>
/// The factories build the fields a firewall needs and normalise them the way Open vSwitch stores them (value bits
/// outside the mask cleared, an all-ones mask dropped), so a flow read back from the switch equals the one sent.
/// Prerequisites are the caller's job: a field is only valid next to the fields the spec makes it depend on, for
/// example tcp_dst needs eth_type=0x0800 or 0x86dd and ip_proto=6, ipv6_nd_target needs icmpv6_type 135 or 136,
/// arp_* need eth_type=0x0806, ct_state/ct_zone need a preceding ct() (recirculation into this table). The switch
/// refuses a flow whose prerequisites are missing with OFPBMC_BAD_PREREQ.
/// </remarks>
public sealed class OxmField : IEquatable<OxmField>
{
    private const int MaxPayload = byte.MaxValue;

    private readonly byte[] _value;
    private readonly byte[] _mask;

    /// <param name="oxmClass">The OXM class, <see cref="OxmClass"/>.</param>
    /// <param name="field">The 7-bit field number within the class.</param>
    /// <param name="value">The value, in network byte order.</param>
    /// <param name="mask">Empty for an exact match; otherwise as long as the value.</param>
    /// <param name="experimenter">The experimenter id of an <see cref="OxmClass.Experimenter"/> field; 0 otherwise.</param>
    public OxmField(ushort oxmClass, byte field, ReadOnlySpan<byte> value, ReadOnlySpan<byte> mask = default, uint experimenter = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(field, (byte)0x7f);
        if (value.IsEmpty)
        {
            throw new ArgumentException("an OXM field needs a value", nameof(value));
        }

        if (!mask.IsEmpty && mask.Length != value.Length)
        {
            throw new ArgumentException($"the mask has {mask.Length} bytes, the value {value.Length}", nameof(mask));
        }

        if ((oxmClass == OxmClass.Experimenter) != (experimenter != 0))
        {
            throw new ArgumentException("an experimenter id goes with, and only with, the experimenter OXM class", nameof(experimenter));
        }

        Class = oxmClass;
        Field = field;
        Experimenter = experimenter;
        _value = value.ToArray();
        _mask = mask.ToArray();
        if (PayloadLength > MaxPayload)
        {
            throw new ArgumentException($"an OXM payload of {PayloadLength} bytes does not fit its 8-bit length", nameof(value));
        }
    }

    public ushort Class { get; }

    public byte Field { get; }

    public uint Experimenter { get; }

    public bool HasMask => _mask.Length != 0;

    public ReadOnlyMemory<byte> Value => _value;

    /// <summary>Empty for an exact match.</summary>
    public ReadOnlyMemory<byte> Mask => _mask;

    /// <summary>The bytes after the 32-bit OXM header: experimenter id, value, mask.</summary>
    internal int PayloadLength => (Experimenter != 0 ? 4 : 0) + _value.Length + _mask.Length;

    internal uint WireHeader => ((uint)Class << 16) | ((uint)Field << 9) | (HasMask ? 0x100u : 0) | (uint)PayloadLength;

    internal ReadOnlySpan<byte> ValueSpan => _value;

    internal ReadOnlySpan<byte> MaskSpan => _mask;

    public static OxmField InPort(uint port) => Basic(0, U32(port));

    /// <param name="mask">Null for an exact match.</param>
    public static OxmField EthDst(PhysicalAddress address, PhysicalAddress? mask = null) => Basic(3, Mac(address), mask is null ? null : Mac(mask));

    /// <param name="mask">Null for an exact match.</param>
    public static OxmField EthSrc(PhysicalAddress address, PhysicalAddress? mask = null) => Basic(4, Mac(address), mask is null ? null : Mac(mask));

    /// <summary>0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP.</summary>
    public static OxmField EthType(ushort etherType) => Basic(5, U16(etherType));

    /// <summary>Needs eth_type IPv4 or IPv6. 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6.</summary>
    public static OxmField IpProto(byte protocol) => Basic(10, [protocol]);

    /// <summary>Needs eth_type=0x0800.</summary>
    public static OxmField Ipv4Src(IPAddress address, int prefixLength = 32) => Basic(11, Ip(address, AddressFamily.InterNetwork), Prefix(4, prefixLength));

    /// <summary>Needs eth_type=0x0800.</summary>
    public static OxmField Ipv4Dst(IPAddress address, int prefixLength = 32) => Basic(12, Ip(address, AddressFamily.InterNetwork), Prefix(4, prefixLength));

    /// <summary>Needs ip_proto=6. Open vSwitch accepts a mask here (port ranges as bit prefixes).</summary>
    public static OxmField TcpSrc(ushort port, ushort mask = ushort.MaxValue) => Basic(13, U16(port), U16(mask));

    /// <summary>Needs ip_proto=6. Open vSwitch accepts a mask here (port ranges as bit prefixes).</summary>
    public static OxmField TcpDst(ushort port, ushort mask = ushort.MaxValue) => Basic(14, U16(port), U16(mask));

    /// <summary>Needs ip_proto=17. Open vSwitch accepts a mask here.</summary>
    public static OxmField UdpSrc(ushort port, ushort mask = ushort.MaxValue) => Basic(15, U16(port), U16(mask));

    /// <summary>Needs ip_proto=17. Open vSwitch accepts a mask here.</summary>
    public static OxmField UdpDst(ushort port, ushort mask = ushort.MaxValue) => Basic(16, U16(port), U16(mask));

    /// <summary>Needs ip_proto=1.</summary>
    public static OxmField Icmpv4Type(byte type) => Basic(19, [type]);

    /// <summary>Needs ip_proto=1.</summary>
    public static OxmField Icmpv4Code(byte code) => Basic(20, [code]);

    /// <summary>Needs eth_type=0x0806. 1 request, 2 reply.</summary>
    public static OxmField ArpOp(ushort operation) => Basic(21, U16(operation));

    /// <summary>Needs eth_type=0x0806.</summary>
    public static OxmField ArpSpa(IPAddress address, int prefixLength = 32) => Basic(22, Ip(address, AddressFamily.InterNetwork), Prefix(4, prefixLength));

    /// <summary>Needs eth_type=0x0806.</summary>
    public static OxmField ArpTpa(IPAddress address, int prefixLength = 32) => Basic(23, Ip(address, AddressFamily.InterNetwork), Prefix(4, prefixLength));

    /// <summary>Needs eth_type=0x0806.</summary>
    public static OxmField ArpSha(PhysicalAddress address) => Basic(24, Mac(address));

    /// <summary>Needs eth_type=0x0806.</summary>
    public static OxmField ArpTha(PhysicalAddress address) => Basic(25, Mac(address));

    /// <summary>Needs eth_type=0x86dd.</summary>
    public static OxmField Ipv6Src(IPAddress address, int prefixLength = 128) => Basic(26, Ip(address, AddressFamily.InterNetworkV6), Prefix(16, prefixLength));

    /// <summary>Needs eth_type=0x86dd.</summary>
    public static OxmField Ipv6Dst(IPAddress address, int prefixLength = 128) => Basic(27, Ip(address, AddressFamily.InterNetworkV6), Prefix(16, prefixLength));

    /// <summary>Needs ip_proto=58. 133-137 are the neighbour discovery messages.</summary>
    public static OxmField Icmpv6Type(byte type) => Basic(29, [type]);

    /// <summary>Needs ip_proto=58.</summary>
    public static OxmField Icmpv6Code(byte code) => Basic(30, [code]);

    /// <summary>Needs icmpv6_type 135 (solicitation) or 136 (advertisement).</summary>
    public static OxmField Ipv6NdTarget(IPAddress address) => Basic(31, Ip(address, AddressFamily.InterNetworkV6));

    /// <summary>NXM_NX_TCP_FLAGS, Open vSwitch's own form, which it takes in every OpenFlow version: the flags under
    /// <paramref name="mask"/> must equal <paramref name="flags"/> (SYN without ACK is 0x002/0x012). Needs ip_proto=6.
    /// Open vSwitch reports the field back as OXM_OF_TCP_FLAGS on 1.5 and as ONF's experimenter field on 1.3 and 1.4.</summary>
    public static OxmField TcpFlags(ushort flags, ushort mask) => Masked(OxmClass.Nxm1, 34, U16(flags), U16(mask));

    /// <summary>NXM_NX_CT_STATE: the bits in <paramref name="set"/> must be set, those in <paramref name="clear"/>
    /// clear, the others are not looked at (ct_state=+trk+est-new is set Tracked|Established, clear New).</summary>
    public static OxmField CtState(CtStateFlags set, CtStateFlags clear = CtStateFlags.None)
    {
        if ((set & clear) != 0)
        {
            throw new ArgumentException($"ct_state bits {set & clear} cannot be both set and clear", nameof(clear));
        }

        return Masked(OxmClass.Nxm1, 105, U32((uint)set), U32((uint)(set | clear)));
    }

    /// <summary>NXM_NX_CT_ZONE: the conntrack zone the packet was looked up in (exact match only).</summary>
    public static OxmField CtZone(ushort zone) => new(OxmClass.Nxm1, 106, U16(zone));

    /// <summary>NXM_NX_CT_MARK: the 32-bit mark committed with the connection.</summary>
    public static OxmField CtMark(uint mark, uint mask = uint.MaxValue) => Masked(OxmClass.Nxm1, 107, U32(mark), U32(mask));

    /// <summary>A Nicira register NXM_NX_REG0..15.</summary>
    public static OxmField Register(int index, uint value, uint mask = uint.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, 15);
        return Masked(OxmClass.Nxm1, (byte)index, U32(value), U32(mask));
    }

    public bool Equals(OxmField? other) =>
        other is not null && Class == other.Class && Field == other.Field && Experimenter == other.Experimenter &&
        _value.AsSpan().SequenceEqual(other._value) && _mask.AsSpan().SequenceEqual(other._mask);

    public override bool Equals(object? obj) => Equals(obj as OxmField);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Class);
        hash.Add(Field);
        hash.Add(Experimenter);
        hash.AddBytes(_value);
        hash.AddBytes(_mask);
        return hash.ToHashCode();
    }

    public static bool operator ==(OxmField? left, OxmField? right) => left?.Equals(right) ?? right is null;

    public static bool operator !=(OxmField? left, OxmField? right) => !(left == right);

    /// <summary>Open vSwitch-like text: tcp_dst=80, ipv6_src=fe80::/ffc0::, ct_state=+trk+est-new.</summary>
    public override string ToString() => OxmFieldCatalog.Format(this);

    private static OxmField Basic(byte field, byte[] value, byte[]? mask = null) =>
        mask is null ? new OxmField(OxmClass.OpenFlowBasic, field, value) : Masked(OxmClass.OpenFlowBasic, field, value, mask);

    /// <summary>Stores the field as Open vSwitch does: no mask when it is all ones, value bits outside it cleared.</summary>
    private static OxmField Masked(ushort oxmClass, byte field, byte[] value, byte[] mask)
    {
        if (mask.AsSpan().IndexOfAnyExcept((byte)0xff) < 0)
        {
            return new OxmField(oxmClass, field, value);
        }

        if (mask.AsSpan().IndexOfAnyExcept((byte)0) < 0)
        {
            throw new ArgumentException("an all-zero mask matches anything: leave the field out instead", nameof(mask));
        }

        for (var i = 0; i < value.Length; i++)
        {
            value[i] &= mask[i];
        }

        return new OxmField(oxmClass, field, value, mask);
    }

    private static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Mac(PhysicalAddress address)
    {
        var bytes = address.GetAddressBytes();
        return bytes.Length == 6 ? bytes : throw new ArgumentException($"an Ethernet address has 6 bytes, not {bytes.Length}", nameof(address));
    }

    private static byte[] Ip(IPAddress address, AddressFamily family) => address.AddressFamily == family
        ? address.GetAddressBytes()
        : throw new ArgumentException($"{address} is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address", nameof(address));

    private static byte[] Prefix(int size, int prefixLength)
    {
        if (prefixLength < 1 || prefixLength > size * 8)
        {
            throw new ArgumentOutOfRangeException(nameof(prefixLength), prefixLength,
                $"a prefix length is 1 to {size * 8}; to match any address leave the field out");
        }

        var mask = new byte[size];
        for (var bit = 0; bit < prefixLength; bit++)
        {
            mask[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        return mask;
    }
}
