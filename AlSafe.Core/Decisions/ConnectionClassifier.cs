using System.Buffers;
using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Decisions;

/// <summary>
/// Decides how each inet socket of a process uses the network, and whether its values can be right at all. The
/// values are read from guest memory the guest can write, so a combination no kernel produces discards the socket
/// (with a reason to log) instead of being trusted into a firewall rule.
/// </summary>
public static class ConnectionClassifier
{
    private const string TcpUnbound = "not using the network (tcp CLOSE, unbound)";
    private const string TcpBoundIdle = "not using the network (tcp CLOSE, bound but neither listening nor connected)";
    private const string TcpTimeWait = "not using the network (tcp TIME_WAIT)";
    private const string UdpUnbound = "not using the network (udp, unbound)";

    // A process rarely holds more listeners than this; their indexes and ports then stay on the stack.
    private const int ListenersOnStack = 32;

    /// <summary>Classifies every socket of <paramref name="process"/>: <c>classes[i]</c> describes <c>process.Sockets[i]</c>.</summary>
    public static void Classify(GuestProcess process, Span<ClassifiedSocket> classes)
    {
        ArgumentNullException.ThrowIfNull(process);
        var sockets = process.Sockets;
        if (classes.Length < sockets.Count)
        {
            throw new ArgumentException($"room for {classes.Length} classes, but pid {process.Pid} has {sockets.Count} sockets", nameof(classes));
        }

        var listeners = 0;
        for (var i = 0; i < sockets.Count; i++)
        {
            // A kernel thread has no file table; sockets credited to one are a forgery or a misread task. Discarding
            // them (rather than skipping) keeps them in the log and makes other holders of the same inode fail closed.
            classes[i] = process.IsKernelThread
                ? Implausible(sockets[i], "held by a kernel thread, which has no file descriptors")
                : Classify(sockets[i]);
            if (classes[i].Role == SocketRole.Server && sockets[i].Protocol == SocketProtocol.Tcp)
            {
                listeners++;
            }
        }

        if (listeners > 0)
        {
            MarkAccepted(sockets, classes, listeners);
        }
    }

    /// <summary>Of a socket judged In: true when it serves (a TCP listener or a bound UDP socket), false for an accepted connection.</summary>
    internal static bool Serves(GuestSocket socket) =>
        socket.Protocol == SocketProtocol.Tcp ? socket.State == SocketState.Listen : socket.State == SocketState.Close;

    /// <summary>The address as it travels on the wire: an IPv4-mapped IPv6 address becomes the IPv4 address.</summary>
    internal static IPAddress Unmap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    internal static bool IsUnspecified(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? address.Equals(IPAddress.Any) : address.Equals(IPAddress.IPv6Any);

    /// <summary>
    /// An inet6 socket bound to '::' whose IPV6_V6ONLY the guest kernel shows clear: it takes IPv4 too, as
    /// ::ffff:a.b.c.d. One whose flag is unknown counts as IPv6-only (fail closed), and one bound to a particular
    /// address is never dual-stack.
    /// </summary>
    internal static bool IsDualStack(GuestSocket socket) =>
        socket.Family == SocketFamily.Inet6 && socket.V6Only == false && socket.LocalAddress.Equals(IPAddress.IPv6Any);

    /// <summary>Classifies one socket on its own values: everything except being a listener's accepted child.</summary>
    private static ClassifiedSocket Classify(GuestSocket socket)
    {
        // sockfs numbers its inodes from 1 and skips 0 when the counter wraps; 0 would also merge unrelated sockets
        // into one shared socket.
        if (socket.Inode == 0)
        {
            return Implausible(socket, "inode 0, which the kernel never gives a socket");
        }

        var wanted = socket.Family switch
        {
            SocketFamily.Inet => AddressFamily.InterNetwork,
            SocketFamily.Inet6 => AddressFamily.InterNetworkV6,
            _ => AddressFamily.Unspecified,
        };
        if (wanted == AddressFamily.Unspecified)
        {
            return Implausible(socket, $"address family {(ushort)socket.Family}, neither inet nor inet6");
        }

        if (socket.Protocol is not (SocketProtocol.Tcp or SocketProtocol.Udp))
        {
            return Implausible(socket, $"protocol {(ushort)socket.Protocol}, neither tcp nor udp");
        }

        if (socket.LocalAddress.AddressFamily != wanted || socket.RemoteAddress.AddressFamily != wanted)
        {
            return Implausible(socket, $"an {(wanted == AddressFamily.InterNetwork ? "inet" : "inet6")} socket with an address of another family");
        }

        // The kernel keeps a scope only as the bound device, never inside the address; a scoped address did not come
        // from a socket, and no firewall prefix can hold it.
        if (wanted == AddressFamily.InterNetworkV6 && (socket.LocalAddress.ScopeId != 0 || socket.RemoteAddress.ScopeId != 0))
        {
            return Implausible(socket, "an inet6 address carrying a scope id");
        }

        if (!TryUnmap(socket.LocalAddress, socket.RemoteAddress, out var local, out var remote))
        {
            return Implausible(socket, "one IPv4-mapped and one native IPv6 address, which no connection has");
        }

        // An IPv6-only socket can neither bind nor connect to a mapped address, and the flag is fixed once bound.
        if (socket.V6Only == true && (socket.LocalAddress.IsIPv4MappedToIPv6 || socket.RemoteAddress.IsIPv4MappedToIPv6))
        {
            return Implausible(socket, "an IPv6-only socket (IPV6_V6ONLY) with an IPv4-mapped address");
        }

        return socket.Protocol == SocketProtocol.Tcp ? ClassifyTcp(socket, local, remote) : ClassifyUdp(socket, local, remote);
    }

    private static ClassifiedSocket ClassifyTcp(GuestSocket socket, IPAddress local, IPAddress remote)
    {
        switch (socket.State)
        {
            case SocketState.Listen:
                if (socket.LocalPort == 0)
                {
                    return Implausible(socket, "a tcp listener on port 0 (listen() always binds a port)");
                }

                if (socket.RemotePort != 0 || !IsUnspecified(remote))
                {
                    return Implausible(socket, "a tcp listener with a remote endpoint");
                }

                // TCP cannot bind to a group address: the kernel refuses it, so this value was not the kernel's.
                return IsGroupAddress(local)
                    ? Implausible(socket, "a tcp socket bound to a multicast or broadcast address")
                    : new ClassifiedSocket(SocketRole.Server, local, remote, null);
            case SocketState.Established or SocketState.SynSent or SocketState.SynRecv or SocketState.FinWait1
                or SocketState.FinWait2 or SocketState.CloseWait or SocketState.Closing or SocketState.LastAck:
                return Connected(socket, local, remote);
            case SocketState.TimeWait:
                return new ClassifiedSocket(SocketRole.Idle, local, remote, TcpTimeWait);
            case SocketState.Close:
                // The endpoint fields of a closed socket keep whatever its last connection left: nothing to check.
                return new ClassifiedSocket(SocketRole.Idle, local, remote, socket.LocalPort == 0 ? TcpUnbound : TcpBoundIdle);
            default:
                // NEW_SYN_RECV belongs to request socks, which never reach a file table; other values are not states.
                return Implausible(socket, $"tcp state {SocketStateNames.Name(socket.State)}, which no socket in a file table has");
        }
    }

    private static ClassifiedSocket ClassifyUdp(GuestSocket socket, IPAddress local, IPAddress remote)
    {
        switch (socket.State)
        {
            case SocketState.Close when socket.LocalPort == 0:
                return new ClassifiedSocket(SocketRole.Idle, local, remote, UdpUnbound);
            case SocketState.Close:
                // Disconnecting a UDP socket clears its remote address and port together with its state.
                return socket.RemotePort != 0 || !IsUnspecified(remote)
                    ? Implausible(socket, "an unconnected udp socket with a remote endpoint")
                    : new ClassifiedSocket(SocketRole.Server, local, remote, null);
            case SocketState.Established:
                return Connected(socket, local, remote);
            default:
                return Implausible(socket, $"udp state {SocketStateNames.Name(socket.State)}, which udp never uses");
        }
    }

    private static ClassifiedSocket Connected(GuestSocket socket, IPAddress local, IPAddress remote)
    {
        // connect() binds an ephemeral port and chooses a source address before the first packet, for TCP and UDP.
        if (socket.LocalPort == 0)
        {
            return Implausible(socket, "a connected socket on local port 0 (connect() always binds a port)");
        }

        if (IsUnspecified(local))
        {
            return Implausible(socket, "a connected socket without a local address (connect() always chooses one)");
        }

        // The whitelist's remote port 0 would be a wildcard by accident, and 0 is no real destination.
        if (socket.RemotePort == 0 || IsUnspecified(remote))
        {
            return Implausible(socket, "a connected socket without a remote address or port");
        }

        // TCP routes refuse multicast and broadcast destinations and sources; UDP may use both.
        if (socket.Protocol == SocketProtocol.Tcp && (IsGroupAddress(local) || IsGroupAddress(remote)))
        {
            return Implausible(socket, "a tcp connection to or from a multicast or broadcast address");
        }

        return new ClassifiedSocket(SocketRole.Client, local, remote, null);
    }

    /// <summary>
    /// Turns connected TCP sockets that a listener of the same process accepted into <see cref="SocketRole.Accepted"/>:
    /// the child of a listener has the listener's family and local port, and the listener's address or any address
    /// when the listener is bound to the wildcard.
    /// </summary>
    private static void MarkAccepted(IReadOnlyList<GuestSocket> sockets, Span<ClassifiedSocket> classes, int listenerCount)
    {
        // A server holds a few listeners and up to thousands of connections: the listeners' ports sit in one span
        // that a vectorised IndexOf searches for each connection.
        int[]? rentedIndexes = null;
        ushort[]? rentedPorts = null;
        var listeners = listenerCount <= ListenersOnStack
            ? stackalloc int[ListenersOnStack]
            : (rentedIndexes = ArrayPool<int>.Shared.Rent(listenerCount));
        var ports = listenerCount <= ListenersOnStack
            ? stackalloc ushort[ListenersOnStack]
            : (rentedPorts = ArrayPool<ushort>.Shared.Rent(listenerCount));
        var found = 0;
        for (var i = 0; i < sockets.Count; i++)
        {
            if (classes[i].Role == SocketRole.Server && sockets[i].Protocol == SocketProtocol.Tcp)
            {
                listeners[found] = i;
                ports[found++] = sockets[i].LocalPort;
            }
        }

        ports = ports[..found];
        for (var i = 0; i < sockets.Count; i++)
        {
            var child = sockets[i];

            // SYN_SENT is the client half of a handshake: accept() never returns one, so a socket in it connects out
            // even when it reuses a listener's port.
            if (classes[i].Role != SocketRole.Client || child.Protocol != SocketProtocol.Tcp || child.State == SocketState.SynSent)
            {
                continue;
            }

            for (var at = ports.IndexOf(child.LocalPort); at >= 0; at = NextIndexOf(ports, at, child.LocalPort))
            {
                var listener = listeners[at];
                var listenerAddress = classes[listener].Local;
                if (sockets[listener].Family == child.Family
                    && (IsUnspecified(listenerAddress) || listenerAddress.Equals(classes[i].Local)))
                {
                    classes[i] = classes[i] with { Role = SocketRole.Accepted };
                    break;
                }
            }
        }

        if (rentedIndexes is not null)
        {
            ArrayPool<int>.Shared.Return(rentedIndexes);
            ArrayPool<ushort>.Shared.Return(rentedPorts!);
        }
    }

    private static int NextIndexOf(ReadOnlySpan<ushort> ports, int after, ushort port)
    {
        var next = ports[(after + 1)..].IndexOf(port);
        return next < 0 ? -1 : after + 1 + next;
    }

    /// <summary>
    /// An inet6 socket carrying IPv4 traffic keeps its addresses as ::ffff:a.b.c.d; on the wire, in the whitelist
    /// and in the rules they are IPv4 addresses. The side not yet set of such a socket is the all-zero '::', which is
    /// then 0.0.0.0. A mapped address beside a native one describes no connection the kernel can make.
    /// </summary>
    private static bool TryUnmap(IPAddress local, IPAddress remote, out IPAddress unmappedLocal, out IPAddress unmappedRemote)
    {
        var localMapped = local.IsIPv4MappedToIPv6;
        var remoteMapped = remote.IsIPv4MappedToIPv6;
        unmappedLocal = localMapped ? local.MapToIPv4() : local;
        unmappedRemote = remoteMapped ? remote.MapToIPv4() : remote;
        if (localMapped == remoteMapped)
        {
            return true;
        }

        if (localMapped && IsUnspecified(remote))
        {
            unmappedRemote = IPAddress.Any;
            return true;
        }

        if (remoteMapped && IsUnspecified(local))
        {
            unmappedLocal = IPAddress.Any;
            return true;
        }

        return false;
    }

    /// <summary>IPv4 multicast (224.0.0.0/4) or the limited broadcast, or IPv6 multicast (ff00::/8).</summary>
    private static bool IsGroupAddress(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6Multicast;
        }

        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return (bytes[0] & 0xF0) == 0xE0 || address.Equals(IPAddress.Broadcast);
    }

    private static ClassifiedSocket Implausible(GuestSocket socket, string reason) =>
        new(SocketRole.Implausible, socket.LocalAddress, socket.RemoteAddress, reason);
}
