using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.OpenFlow;

namespace AlSafe.Interop.Switch;

/// <summary>
/// Reads a <see cref="NewConnection"/> out of a packet-in from one of the planner's report flows: the VM from the flow's
/// cookie, the direction from its table, the rest from the packet's first bytes (Ethernet with up to two VLAN tags,
/// IPv4 or IPv6 with its common extension headers, then the TCP or UDP ports). Everything in the packet comes from a
/// guest or from outside and is bounds-checked; a packet-in that is not a report, or a packet cut before its ports, is
/// no new connection.
/// </summary>
internal static class NewConnectionDecoder
{
    private const int EthernetHeader = 14;
    private const ushort Vlan = 0x8100;
    private const ushort ProviderVlan = 0x88a8;
    private const int MaxVlanTags = 2;
    private const int MaxExtensionHeaders = 4;
    private const byte HopByHop = 0;
    private const byte Routing = 43;
    private const byte Fragment = 44;
    private const byte DestinationOptions = 60;

    public static bool TryDecode(PacketIn packetIn, [NotNullWhen(true)] out NewConnection? connection)
    {
        connection = null;
        if (!RuleCookie.IsVmCookie(packetIn.Cookie))
        {
            return false;
        }

        var direction = packetIn.TableId switch
        {
            (byte)FlowTable.Egress => TrafficDirection.Out,
            (byte)FlowTable.Ingress => TrafficDirection.In,
            _ => (TrafficDirection?)null,
        };
        return direction is { } known && TryReadPacket(packetIn.Data.Span, packetIn.Cookie, known, out connection);
    }

    private static bool TryReadPacket(ReadOnlySpan<byte> frame, ulong cookie, TrafficDirection direction,
        [NotNullWhen(true)] out NewConnection? connection)
    {
        connection = null;
        if (frame.Length < EthernetHeader)
        {
            return false;
        }

        var offset = EthernetHeader - 2;
        var etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        for (var tags = 0; tags < MaxVlanTags && etherType is Vlan or ProviderVlan; tags++)
        {
            offset += 4;
            if (frame.Length < offset + 2)
            {
                return false;
            }

            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        }

        var ip = frame[(offset + 2)..];
        byte protocol;
        IPAddress source, destination;
        ReadOnlySpan<byte> transport;
        switch ((EtherType)etherType)
        {
            case EtherType.Ipv4 when TryReadIpv4(ip, out protocol, out transport):
                source = new IPAddress(ip[12..16]);
                destination = new IPAddress(ip[16..20]);
                break;
            case EtherType.Ipv6 when TryReadIpv6(ip, out protocol, out transport):
                source = new IPAddress(ip[8..24]);
                destination = new IPAddress(ip[24..40]);
                break;
            default:
                return false;
        }

        if (protocol is not ((byte)SocketProtocol.Tcp or (byte)SocketProtocol.Udp) || transport.Length < 4)
        {
            return false;
        }

        connection = new NewConnection(cookie, direction, (SocketProtocol)protocol, source, BinaryPrimitives.ReadUInt16BigEndian(transport),
            destination, BinaryPrimitives.ReadUInt16BigEndian(transport[2..]));
        return true;
    }

    private static bool TryReadIpv4(ReadOnlySpan<byte> ip, out byte protocol, out ReadOnlySpan<byte> transport)
    {
        protocol = 0;
        transport = default;
        if (ip.Length < 20 || ip[0] >> 4 != 4)
        {
            return false;
        }

        var headerLength = (ip[0] & 0x0f) * 4;
        // A later fragment carries no ports.
        var fragmentOffset = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x1fff;
        if (headerLength < 20 || ip.Length < headerLength || fragmentOffset != 0)
        {
            return false;
        }

        protocol = ip[9];
        transport = ip[headerLength..];
        return true;
    }

    private static bool TryReadIpv6(ReadOnlySpan<byte> ip, out byte protocol, out ReadOnlySpan<byte> transport)
    {
        protocol = 0;
        transport = default;
        if (ip.Length < 40 || ip[0] >> 4 != 6)
        {
            return false;
        }

        var next = ip[6];
        var rest = ip[40..];
        for (var headers = 0; headers < MaxExtensionHeaders && next is HopByHop or Routing or Fragment or DestinationOptions; headers++)
        {
            if (rest.Length < 8)
            {
                return false;
            }

            // A fragment header is 8 bytes; a later fragment carries no ports.
            var length = next == Fragment ? 8 : (rest[1] + 1) * 8;
            if ((next == Fragment && (BinaryPrimitives.ReadUInt16BigEndian(rest[2..]) & 0xfff8) != 0) || rest.Length < length)
            {
                return false;
            }

            next = rest[0];
            rest = rest[length..];
        }

        protocol = next;
        transport = rest;
        return true;
    }
}
