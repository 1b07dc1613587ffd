using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.OpenFlow;

namespace AlSafe.Interop.Switch;

/// <summary>A <see cref="FlowMatch"/> as OXM fields and back.</summary>
internal static class OxmMatchMapper
{
    // OpenFlow basic field numbers (OXM_OF_*) and Nicira ones (NXM_NX_*) that the model has.
    private const byte InPortField = 0;
    private const byte EthDstField = 3;
    private const byte EthSrcField = 4;
    private const byte EthTypeField = 5;
    private const byte IpProtoField = 10;
    private const byte Ipv4SrcField = 11;
    private const byte Ipv4DstField = 12;
    private const byte TcpSrcField = 13;
    private const byte TcpDstField = 14;
    private const byte UdpSrcField = 15;
    private const byte UdpDstField = 16;
    private const byte ArpSpaField = 22;
    private const byte ArpTpaField = 23;
    private const byte ArpShaField = 24;
    private const byte Ipv6SrcField = 26;
    private const byte Ipv6DstField = 27;
    private const byte Icmpv6TypeField = 29;
    private const byte NdTargetField = 31;
    private const byte TcpFlagsField = 42;
    private const byte NiciraTcpFlagsField = 34;
    private const byte CtStateField = 105;
    private const byte CtZoneField = 106;

    /// <summary>
    /// The fields in prerequisite order (in_port, Ethernet, ether type, IP protocol, then what depends on them),
    /// because Open vSwitch checks each field's prerequisites against the fields before it.
    /// </summary>
    public static OxmMatch ToOxm(FlowMatch match)
    {
        var fields = new List<OxmField>();
        if (match.InPort is { } inPort)
        {
            fields.Add(OxmField.InPort(inPort));
        }

        if (match.EthDst is { } dst)
        {
            fields.Add(dst.IsExact ? OxmField.EthDst(Physical(dst.Value)) : OxmField.EthDst(Physical(dst.Value), Physical(dst.Mask)));
        }

        if (match.EthSrc is { } src)
        {
            fields.Add(OxmField.EthSrc(Physical(src)));
        }

        if (match.EthType is { } etherType)
        {
            fields.Add(OxmField.EthType((ushort)etherType));
        }

        if (match.IpProto is { } protocol)
        {
            fields.Add(OxmField.IpProto((byte)protocol));
        }

        AddPrefix(fields, match.IpSrc, OxmField.Ipv4Src, OxmField.Ipv6Src);
        AddPrefix(fields, match.IpDst, OxmField.Ipv4Dst, OxmField.Ipv6Dst);
        var udp = match.IpProto == IpProtocol.Udp;
        if (match.TpSrc is { } tpSrc)
        {
            fields.Add(udp ? OxmField.UdpSrc(tpSrc.Value, tpSrc.Mask) : OxmField.TcpSrc(tpSrc.Value, tpSrc.Mask));
        }

        if (match.TpDst is { } tpDst)
        {
            fields.Add(udp ? OxmField.UdpDst(tpDst.Value, tpDst.Mask) : OxmField.TcpDst(tpDst.Value, tpDst.Mask));
        }

        if (match.TcpFlags is { } flags)
        {
            fields.Add(OxmField.TcpFlags((ushort)flags.Bits, (ushort)flags.Mask));
        }

        if (match.Icmpv6Type is { } icmpType)
        {
            fields.Add(OxmField.Icmpv6Type((byte)icmpType));
        }

        if (match.NdTarget is { } target)
        {
            fields.Add(OxmField.Ipv6NdTarget(target));
        }

        if (match.ArpSpa is { } spa)
        {
            fields.Add(OxmField.ArpSpa(spa));
        }

        if (match.ArpTpa is { } tpa)
        {
            fields.Add(OxmField.ArpTpa(tpa));
        }

        if (match.ArpSha is { } sha)
        {
            fields.Add(OxmField.ArpSha(Physical(sha)));
        }

        if (match.CtState is { } ct)
        {
            fields.Add(OxmField.CtState((CtStateFlags)ct.Bits, (CtStateFlags)(ct.Mask & ~ct.Bits)));
        }

        if (match.CtZone is { } zone)
        {
            fields.Add(OxmField.CtZone(zone));
        }

        return new OxmMatch(fields);
    }

    public static bool TryFromOxm(OxmMatch oxm, [NotNullWhen(true)] out FlowMatch? match, [NotNullWhen(false)] out string? reason)
    {
        match = null;
        var result = new FlowMatch();
        ushort? tcpOrUdp = null;
        var seen = new HashSet<(ushort, byte)>();
        foreach (var field in oxm.Fields)
        {
            // The three forms of tcp_flags are one field: it may appear once.
            var key = IsTcpFlags(field) ? (OxmClass.OpenFlowBasic, TcpFlagsField) : (field.Class, field.Field);
            if (!seen.Add(key))
            {
                reason = $"{field} appears twice";
                return false;
            }

            var next = IsTcpFlags(field) ? FromTcpFlags(result, field) : field.Experimenter != 0 ? null : field.Class switch
            {
                OxmClass.OpenFlowBasic => FromBasic(result, field, ref tcpOrUdp),
                OxmClass.Nxm1 => FromNicira(result, field),
                _ => null,
            };
            if (next is null)
            {
                reason = $"the model has no field like {field}";
                return false;
            }

            result = next;
        }

        // Which transport the port fields named must be the protocol matched, or the model would misread them.
        if (tcpOrUdp is { } portProtocol && (byte?)result.IpProto != portProtocol)
        {
            reason = "transport port fields of another protocol than the one matched";
            return false;
        }

        match = result;
        reason = null;
        return true;
    }

    private static FlowMatch? FromBasic(FlowMatch match, OxmField field, ref ushort? tcpOrUdp)
    {
        var value = field.Value.Span;
        var exact = !field.HasMask;
        switch (field.Field)
        {
            case InPortField when exact:
                return match with { InPort = BinaryPrimitives.ReadUInt32BigEndian(value) };
            case EthDstField:
                var dst = Mac(value);
                return match with { EthDst = exact ? MaskedMac.Exact(dst) : new MaskedMac(dst, Mac(field.Mask.Span)) };
            case EthSrcField when exact:
                return match with { EthSrc = Mac(value) };
            case EthTypeField when exact && Enum.IsDefined((EtherType)BinaryPrimitives.ReadUInt16BigEndian(value)):
                return match with { EthType = (EtherType)BinaryPrimitives.ReadUInt16BigEndian(value) };
            case IpProtoField when exact && Enum.IsDefined((IpProtocol)value[0]):
                return match with { IpProto = (IpProtocol)value[0] };
            case Ipv4SrcField or Ipv6SrcField when Prefix(field) is { } source:
                return match with { IpSrc = source };
            case Ipv4DstField or Ipv6DstField when Prefix(field) is { } destination:
                return match with { IpDst = destination };
            case TcpSrcField or UdpSrcField when SameTransport(ref tcpOrUdp, field.Field):
                return match with { TpSrc = Port(field) };
            case TcpDstField or UdpDstField when SameTransport(ref tcpOrUdp, field.Field):
                return match with { TpDst = Port(field) };
            case Icmpv6TypeField when exact && Enum.IsDefined((Icmpv6Type)value[0]):
                return match with { Icmpv6Type = (Icmpv6Type)value[0] };
            case NdTargetField when exact:
                return match with { NdTarget = new IPAddress(value) };
            case ArpSpaField when exact:
                return match with { ArpSpa = new IPAddress(value) };
            case ArpTpaField when exact:
                return match with { ArpTpa = new IPAddress(value) };
            case ArpShaField when exact:
                return match with { ArpSha = Mac(value) };
            default:
                return null;
        }
    }

    private static FlowMatch? FromNicira(FlowMatch match, OxmField field)
    {
        var value = field.Value.Span;
        switch (field.Field)
        {
            case CtStateField:
                var bits = BinaryPrimitives.ReadUInt32BigEndian(value);
                var mask = field.HasMask ? BinaryPrimitives.ReadUInt32BigEndian(field.Mask.Span) : uint.MaxValue;
                const uint modelled = 0x3f;
                return (mask & ~modelled) != 0
                    ? null
                    : match with { CtState = new ConntrackStateMatch((ConntrackStates)bits, (ConntrackStates)mask) };
            case CtZoneField when !field.HasMask:
                return match with { CtZone = BinaryPrimitives.ReadUInt16BigEndian(value) };
            default:
                return null;
        }
    }

    /// <summary>tcp_flags as Open vSwitch takes it (NXM_NX_TCP_FLAGS) or reports it: OXM_OF_TCP_FLAGS on OpenFlow 1.5,
    /// ONF's experimenter field of the same number on 1.3 and 1.4.</summary>
    private static bool IsTcpFlags(OxmField field) => field switch
    {
        { Class: OxmClass.Nxm1, Field: NiciraTcpFlagsField, Experimenter: 0 } => true,
        { Class: OxmClass.OpenFlowBasic, Field: TcpFlagsField, Experimenter: 0 } => true,
        { Class: OxmClass.Experimenter, Field: TcpFlagsField, Experimenter: ExperimenterIds.Onf } => true,
        _ => false,
    };

    private static FlowMatch? FromTcpFlags(FlowMatch match, OxmField field)
    {
        if (field.Value.Length != 2)
        {
            return null;
        }

        var bits = BinaryPrimitives.ReadUInt16BigEndian(field.Value.Span);
        var mask = field.HasMask ? BinaryPrimitives.ReadUInt16BigEndian(field.Mask.Span) : (ushort)0xfff;
        return match with { TcpFlags = new TcpFlagsMatch((TcpFlags)bits, (TcpFlags)mask) };
    }

    /// <summary>Records which transport a port field names; false when another port field named the other one.</summary>
    private static bool SameTransport(ref ushort? tcpOrUdp, byte field)
    {
        var transport = field is TcpSrcField or TcpDstField ? (ushort)IpProtocol.Tcp : (ushort)IpProtocol.Udp;
        if (tcpOrUdp is { } earlier && earlier != transport)
        {
            return false;
        }

        tcpOrUdp = transport;
        return true;
    }

    private static MaskedPort Port(OxmField field) => new(
        BinaryPrimitives.ReadUInt16BigEndian(field.Value.Span),
        field.HasMask ? BinaryPrimitives.ReadUInt16BigEndian(field.Mask.Span) : ushort.MaxValue);

    /// <summary>The prefix a value and mask spell, or null when the mask is not a run of leading ones.</summary>
    private static AddressPrefix? Prefix(OxmField field)
    {
        var address = new IPAddress(field.Value.Span);
        if (!field.HasMask)
        {
            return AddressPrefix.Host(address);
        }

        var mask = field.Mask.Span;
        var length = 0;
        while (length < mask.Length * 8 && (mask[length / 8] & (0x80 >> (length % 8))) != 0)
        {
            length++;
        }

        for (var bit = length; bit < mask.Length * 8; bit++)
        {
            if ((mask[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                return null;
            }
        }

        return AddressPrefix.Create(address, length);
    }

    private static void AddPrefix(List<OxmField> fields, AddressPrefix? prefix, Func<IPAddress, int, OxmField> v4, Func<IPAddress, int, OxmField> v6)
    {
        if (prefix is not { } p)
        {
            return;
        }

        if (p.Length == 0)
        {
            // OpenFlow has no "/0": the switch would store no field, and the flow read back would not be the planned one.
            throw new ArgumentException($"the prefix {p} matches every address: leave the field out");
        }

        fields.Add(p.Family == AddressFamily.InterNetwork ? v4(p.Network, p.Length) : v6(p.Network, p.Length));
    }

    private static PhysicalAddress Physical(MacAddress mac)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, mac.Value);
        return new PhysicalAddress(bytes[2..]);
    }

    private static MacAddress Mac(ReadOnlySpan<byte> value)
    {
        Span<byte> bytes = stackalloc byte[8];
        value.CopyTo(bytes[2..]);
        return new MacAddress(BinaryPrimitives.ReadUInt64BigEndian(bytes));
    }
}
