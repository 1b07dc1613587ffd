using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// Names, value sizes and display forms of the OXM/NXM fields a firewall matches on. Fields outside the catalog still
/// decode and round-trip (as class:field with hex bytes); a known field with the wrong size is refused, since a
/// switch would misread it too.
/// </summary>
internal static class OxmFieldCatalog
{
    private static readonly Dictionary<(ushort Class, byte Field), Info> Fields = Build();

    public static bool TryGet(ushort oxmClass, byte field, out Info info) => Fields.TryGetValue((oxmClass, field), out info);

    public static string Format(OxmField field)
    {
        var value = field.Value.Span;
        var mask = field.Mask.Span;
        if (field.Experimenter != 0 || !TryGet(field.Class, field.Field, out var info))
        {
            var name = field.Experimenter != 0
                ? $"oxm(0x{field.Class:x4}:{field.Field},exp=0x{field.Experimenter:x8})"
                : $"oxm(0x{field.Class:x4}:{field.Field})";
            return field.HasMask ? $"{name}=0x{Convert.ToHexStringLower(value)}/0x{Convert.ToHexStringLower(mask)}" : $"{name}=0x{Convert.ToHexStringLower(value)}";
        }

        if (info.Format == ValueFormat.CtState)
        {
            return $"{info.Name}={FormatCtState(BinaryPrimitives.ReadUInt32BigEndian(value), field.HasMask ? BinaryPrimitives.ReadUInt32BigEndian(mask) : uint.MaxValue)}";
        }

        return field.HasMask
            ? $"{info.Name}={FormatValue(value, info.Format)}/{FormatValue(mask, info.Format == ValueFormat.Decimal ? ValueFormat.Hex : info.Format)}"
            : $"{info.Name}={FormatValue(value, info.Format)}";
    }

    private static string FormatValue(ReadOnlySpan<byte> value, ValueFormat format) => format switch
    {
        ValueFormat.Decimal => ReadUnsigned(value).ToString(CultureInfo.InvariantCulture),
        ValueFormat.Mac => string.Join(':', value.ToArray().Select(b => b.ToString("x2", CultureInfo.InvariantCulture))),
        ValueFormat.Ipv4 or ValueFormat.Ipv6 => new IPAddress(value).ToString(),
        _ => "0x" + Convert.ToHexStringLower(value),
    };

    private static ulong ReadUnsigned(ReadOnlySpan<byte> value)
    {
        ulong result = 0;
        foreach (var b in value)
        {
            result = (result << 8) | b;
        }

        return result;
    }

    private static readonly string[] CtStateNames = ["new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat"];

    /// <summary>Open vSwitch's notation: +bit for a bit that must be set, -bit for one that must be clear.</summary>
    private static string FormatCtState(uint value, uint mask)
    {
        var text = new StringBuilder();
        for (var bit = 0; bit < CtStateNames.Length; bit++)
        {
            if ((mask & (1u << bit)) != 0)
            {
                text.Append((value & (1u << bit)) != 0 ? '+' : '-').Append(CtStateNames[bit]);
            }
        }

        var unknown = mask & ~0xffu;
        if (unknown != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"(0x{value & unknown:x}/0x{unknown:x})");
        }

        return text.Length == 0 ? "0/0" : text.ToString();
    }

    private static Dictionary<(ushort, byte), Info> Build()
    {
        var basic = new (byte Field, string Name, int Size, ValueFormat Format)[]
        {
            (0, "in_port", 4, ValueFormat.Decimal), (1, "in_phy_port", 4, ValueFormat.Decimal), (2, "metadata", 8, ValueFormat.Hex),
            (3, "eth_dst", 6, ValueFormat.Mac), (4, "eth_src", 6, ValueFormat.Mac), (5, "eth_type", 2, ValueFormat.Hex),
            (6, "vlan_vid", 2, ValueFormat.Hex), (7, "vlan_pcp", 1, ValueFormat.Decimal), (8, "ip_dscp", 1, ValueFormat.Decimal),
            (9, "ip_ecn", 1, ValueFormat.Decimal), (10, "ip_proto", 1, ValueFormat.Decimal), (11, "ipv4_src", 4, ValueFormat.Ipv4),
            (12, "ipv4_dst", 4, ValueFormat.Ipv4), (13, "tcp_src", 2, ValueFormat.Decimal), (14, "tcp_dst", 2, ValueFormat.Decimal),
            (15, "udp_src", 2, ValueFormat.Decimal), (16, "udp_dst", 2, ValueFormat.Decimal), (17, "sctp_src", 2, ValueFormat.Decimal),
            (18, "sctp_dst", 2, ValueFormat.Decimal), (19, "icmpv4_type", 1, ValueFormat.Decimal),
            (20, "icmpv4_code", 1, ValueFormat.Decimal), (21, "arp_op", 2, ValueFormat.Decimal), (22, "arp_spa", 4, ValueFormat.Ipv4),
            (23, "arp_tpa", 4, ValueFormat.Ipv4), (24, "arp_sha", 6, ValueFormat.Mac), (25, "arp_tha", 6, ValueFormat.Mac),
            (26, "ipv6_src", 16, ValueFormat.Ipv6), (27, "ipv6_dst", 16, ValueFormat.Ipv6), (28, "ipv6_flabel", 4, ValueFormat.Hex),
            (29, "icmpv6_type", 1, ValueFormat.Decimal), (30, "icmpv6_code", 1, ValueFormat.Decimal),
            (31, "ipv6_nd_target", 16, ValueFormat.Ipv6), (32, "ipv6_nd_sll", 6, ValueFormat.Mac), (33, "ipv6_nd_tll", 6, ValueFormat.Mac),
            (34, "mpls_label", 4, ValueFormat.Decimal), (35, "mpls_tc", 1, ValueFormat.Decimal), (36, "mpls_bos", 1, ValueFormat.Decimal),
            (37, "pbb_isid", 3, ValueFormat.Hex), (38, "tunnel_id", 8, ValueFormat.Hex), (39, "ipv6_exthdr", 2, ValueFormat.Hex),
            (41, "pbb_uca", 1, ValueFormat.Decimal), (42, "tcp_flags", 2, ValueFormat.Hex), (43, "actset_output", 4, ValueFormat.Decimal),
            (44, "packet_type", 4, ValueFormat.Hex),
        };
        var nicira = new (byte Field, string Name, int Size, ValueFormat Format)[]
        {
            (16, "tun_id", 8, ValueFormat.Hex), (33, "pkt_mark", 4, ValueFormat.Hex), (34, "tcp_flags", 2, ValueFormat.Hex),
            (35, "dp_hash", 4, ValueFormat.Hex), (36, "recirc_id", 4, ValueFormat.Decimal), (105, "ct_state", 4, ValueFormat.CtState),
            (106, "ct_zone", 2, ValueFormat.Decimal), (107, "ct_mark", 4, ValueFormat.Hex), (108, "ct_label", 16, ValueFormat.Hex),
        };

        var fields = new Dictionary<(ushort, byte), Info>();
        foreach (var (field, name, size, format) in basic)
        {
            fields.Add((OxmClass.OpenFlowBasic, field), new Info(name, size, format));
        }

        foreach (var (field, name, size, format) in nicira)
        {
            fields.Add((OxmClass.Nxm1, field), new Info(name, size, format));
        }

        for (byte register = 0; register < 16; register++)
        {
            fields.Add((OxmClass.Nxm1, register), new Info($"reg{register}", 4, ValueFormat.Hex));
        }

        return fields;
    }

    internal enum ValueFormat
    {
        Decimal,
        Hex,
        Mac,
        Ipv4,
        Ipv6,
        CtState,
    }

    internal readonly record struct Info(string Name, int Size, ValueFormat Format);
}
