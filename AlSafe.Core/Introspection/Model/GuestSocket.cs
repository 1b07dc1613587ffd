using System.Net;

namespace AlSafe.Core.Introspection.Model;

/// <summary>One inet socket held open by a process, as the guest kernel records it.</summary>
/// <param name="Fd">The file descriptor number in the owning process.</param>
/// <param name="Inode">The socket inode number, the same one /proc/PID/fd shows as socket:[N].</param>
public sealed record GuestSocket(
    int Fd,
    ulong Inode,
    SocketFamily Family,
    SocketProtocol Protocol,
    IPAddress LocalAddress,
    ushort LocalPort,
    IPAddress RemoteAddress,
    ushort RemotePort,
    SocketState State);
