using System.Net;

namespace AlSafe.Core.Introspection.Model;

/// <summary>One inet socket held open by a process, as the guest kernel records it.</summary>
/// <param name="Fd">The file descriptor number in the owning process.</param>
/// <param name="Inode">The socket inode number, the same one /proc/PID/fd shows as socket:[N].</param>
/// <param name="V6Only">IPV6_V6ONLY of an inet6 socket: false when a socket bound to '::' also takes IPv4. Null for
/// inet sockets, and when it is not known (a profile saved before it recorded the flag, a connection list without
/// it); the policy then takes the socket as IPv6-only.</param>
public sealed record GuestSocket(
    int Fd,
    ulong Inode,
    SocketFamily Family,
    SocketProtocol Protocol,
    IPAddress LocalAddress,
    ushort LocalPort,
    IPAddress RemoteAddress,
    ushort RemotePort,
    SocketState State,
    bool? V6Only = null);
