using System.Net;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Introspection.Walkers;

/// <summary>Decodes a struct sock into the endpoint fields the policy needs; other families are only counted.</summary>
public sealed class SocketDecoder
{
    private readonly GuestReader _reader;
    private readonly KernelOffsets _o;

    public SocketDecoder(GuestReader reader, KernelOffsets offsets)
    {
        _reader = reader;
        _o = offsets;
    }

    /// <summary>Returns null for a socket that is not an inet/inet6 TCP or UDP socket.</summary>
    public GuestSocket? Decode(ulong sock, int fd, ulong inode)
    {
        var family = _reader.U16(sock + _o.SkFamily, "sock.skc_family");
        if (family is not ((ushort)SocketFamily.Inet or (ushort)SocketFamily.Inet6))
        {
            return null;
        }

        var protocol = _reader.U16(sock + _o.SkProtocol, "sock.sk_protocol");
        if (protocol is not ((ushort)SocketProtocol.Tcp or (ushort)SocketProtocol.Udp))
        {
            return null;
        }

        var state = _reader.U8(sock + _o.SkState, "sock.skc_state");
        var localPort = _reader.U16(sock + _o.SkNum, "sock.skc_num");
        var remotePort = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(_reader.U16(sock + _o.SkDport, "sock.skc_dport"));
        IPAddress local;
        IPAddress remote;
        bool? v6Only = null;
        if (family == (ushort)SocketFamily.Inet)
        {
            Span<byte> v4 = stackalloc byte[4];
            _reader.Read(sock + _o.SkRcvSaddr, v4, "sock.skc_rcv_saddr");
            local = new IPAddress(v4);
            _reader.Read(sock + _o.SkDaddr, v4, "sock.skc_daddr");
            remote = new IPAddress(v4);
        }
        else
        {
            Span<byte> v6 = stackalloc byte[16];
            _reader.Read(sock + _o.SkV6RcvSaddr, v6, "sock.skc_v6_rcv_saddr");
            local = new IPAddress(v6);
            _reader.Read(sock + _o.SkV6Daddr, v6, "sock.skc_v6_daddr");
            remote = new IPAddress(v6);
            v6Only = V6Only(sock);
        }

        return new GuestSocket(
            fd, inode, (SocketFamily)family, (SocketProtocol)protocol, local, localPort, remote, remotePort, (SocketState)state, v6Only);
    }

    /// <summary>IPV6_V6ONLY as the kernel keeps it, in a bitfield of sock_common; null when the profile does not say
    /// where, so that the policy can fail closed.</summary>
    private bool? V6Only(ulong sock)
    {
        if (_o.SkIpv6OnlyBit is not { } bit)
        {
            return null;
        }

        var bits = _reader.U8(sock + (bit / 8), "sock.skc_ipv6only");
        return ((bits >> (int)(bit % 8)) & 1) != 0;
    }
}
