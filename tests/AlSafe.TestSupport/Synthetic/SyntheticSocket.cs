using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>A socket to place in a synthetic process's file table, with the raw values the kernel would store.</summary>
/// <param name="Family">AF_* number written to skc_family.</param>
/// <param name="Protocol">IANA number written to sk_protocol (0 for unix and other families).</param>
/// <param name="Type">SOCK_* number written to sk_type and socket.type.</param>
/// <param name="Inode">The socket inode number.</param>
public sealed record SyntheticSocket(ushort Family, ushort Protocol, ushort Type, ulong Inode)
{
    public const ushort AfUnix = 1;
    public const ushort AfInet = 2;
    public const ushort AfNetlink = 16;
    public const ushort AfInet6 = 10;
    public const ushort SockStream = 1;
    public const ushort SockDgram = 2;
    public const ushort SockRaw = 3;

    public IPEndPoint Local { get; init; } = new(IPAddress.Any, 0);

    public IPEndPoint Remote { get; init; } = new(IPAddress.Any, 0);

    /// <summary>skc_state: a <see cref="SocketState"/> value, or anything a hostile test wants.</summary>
    public byte State { get; init; } = (byte)SocketState.Close;

    /// <summary>IPV6_V6ONLY, written to skc_ipv6only of an inet6 socket. False by default, as Linux leaves it
    /// (net.ipv6.bindv6only = 0).</summary>
    public bool V6Only { get; init; }

    /// <summary>The descriptor to install the socket at; the next free one from 3 when null.</summary>
    public int? Fd { get; init; }

    public static SyntheticSocket Tcp(IPEndPoint local, IPEndPoint remote, SocketState state, ulong inode) =>
        Inet(local, remote, SocketProtocol.Tcp, SockStream, state, inode);

    public static SyntheticSocket Udp(IPEndPoint local, IPEndPoint remote, SocketState state, ulong inode) =>
        Inet(local, remote, SocketProtocol.Udp, SockDgram, state, inode);

    public static SyntheticSocket Unix(ulong inode) => new(AfUnix, 0, SockStream, inode);

    /// <summary>A socket of any family the walkers only count (netlink, packet, ...).</summary>
    public static SyntheticSocket OfFamily(ushort family, ulong inode) => new(family, 0, SockRaw, inode);

    private static SyntheticSocket Inet(
        IPEndPoint local, IPEndPoint remote, SocketProtocol protocol, ushort type, SocketState state, ulong inode)
    {
        if (local.AddressFamily != remote.AddressFamily)
        {
            throw new ArgumentException($"local {local} and remote {remote} are of different families", nameof(remote));
        }

        var family = local.AddressFamily == AddressFamily.InterNetworkV6 ? AfInet6 : AfInet;
        return new SyntheticSocket(family, (ushort)protocol, type, inode) { Local = local, Remote = remote, State = (byte)state };
    }
}
