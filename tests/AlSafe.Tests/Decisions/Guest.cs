using System.Net;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.Tests.Decisions;

/// <summary>Terse builders for the processes and sockets of a connection list.</summary>
internal static class Guest
{
    private static ulong s_nextInode = 1000;

    public static GuestProcess Process(int pid, string comm, string? exe, params GuestSocket[] sockets) =>
        new(pid, pid, 1, comm, 1000, exe, IsKernelThread: false, sockets, OtherSockets: 0);

    public static GuestProcess Nginx(params GuestSocket[] sockets) => Process(100, "nginx", "/usr/sbin/nginx", sockets);

    public static GuestSocket TcpSocket(string local, int localPort, string remote, int remotePort, SocketState state, ulong inode = 0) =>
        Socket(SocketProtocol.Tcp, local, localPort, remote, remotePort, state, inode);

    public static GuestSocket UdpSocket(string local, int localPort, string remote, int remotePort, SocketState state, ulong inode = 0) =>
        Socket(SocketProtocol.Udp, local, localPort, remote, remotePort, state, inode);

    public static GuestSocket Listener(string local, int port, ulong inode = 0) =>
        TcpSocket(local, port, local.Contains(':', StringComparison.Ordinal) ? "::" : "0.0.0.0", 0, SocketState.Listen, inode);

    /// <summary>A socket of the family its local address has; inode 0 picks a fresh one.</summary>
    public static GuestSocket Socket(SocketProtocol protocol, string local, int localPort, string remote, int remotePort, SocketState state, ulong inode = 0)
    {
        var localAddress = IPAddress.Parse(local);
        var family = localAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? SocketFamily.Inet : SocketFamily.Inet6;
        return new GuestSocket(
            Fd: 3,
            inode == 0 ? Interlocked.Increment(ref s_nextInode) : inode,
            family,
            protocol,
            localAddress,
            (ushort)localPort,
            IPAddress.Parse(remote),
            (ushort)remotePort,
            state);
    }
}
