using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Tests.Decisions;

/// <summary>
/// The rules written out plainly, one line and one socket at a time, with no index: what the engine's
/// verdicts are checked against.
/// </summary>
internal static class ReferenceJudge
{
    public static IPAddress Unmap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static bool Serves(GuestSocket socket) =>
        (socket.Protocol == SocketProtocol.Tcp && socket.State == SocketState.Listen)
        || (socket.Protocol == SocketProtocol.Udp && socket.State == SocketState.Close && socket.LocalPort != 0);

    /// <summary>The direction of a socket the engine judged; <paramref name="judged"/> tells the sockets it did not discard.</summary>
    public static TrafficDirection? Direction(GuestProcess process, GuestSocket socket, Func<GuestProcess, GuestSocket, bool> judged)
    {
        if (Serves(socket))
        {
            return TrafficDirection.In;
        }

        if (socket.Protocol == SocketProtocol.Udp)
        {
            return socket.State == SocketState.Established ? TrafficDirection.Out : null;
        }

        if (socket.State is SocketState.Close or SocketState.TimeWait)
        {
            return null;
        }

        var accepted = socket.State != SocketState.SynSent && process.Sockets.Any(listener =>
            listener.Protocol == SocketProtocol.Tcp
            && listener.State == SocketState.Listen
            && listener.Family == socket.Family
            && listener.LocalPort == socket.LocalPort
            && judged(process, listener)
            && (IsUnset(Unmap(listener.LocalAddress)) || Unmap(listener.LocalAddress).Equals(Unmap(socket.LocalAddress))));
        return accepted ? TrafficDirection.In : TrafficDirection.Out;
    }

    public static bool Matches(WhitelistEntry entry, string vm, GuestProcess process, GuestSocket socket, TrafficDirection direction)
    {
        var processMatches = entry.Process.IsPath
            ? process.ExePath is not null && entry.Process.Text == process.ExePath
            : entry.Process.Text == process.Comm;
        if ((entry.Vm is not null && entry.Vm != vm)
            || !processMatches
            || (entry.Uid is not null && entry.Uid != process.Uid)
            || entry.Protocol != socket.Protocol
            || entry.Direction != direction
            || !entry.LocalPort.Contains(socket.LocalPort))
        {
            return false;
        }

        return Serves(socket)
            ? entry.Remote.IsAny || entry.Remote.Family == Unmap(socket.LocalAddress).AddressFamily || IsDualStack(socket)
            : entry.Remote.Contains(Unmap(socket.RemoteAddress)) && entry.RemotePort.Contains(socket.RemotePort);
    }

    /// <summary>An inet6 socket on '::' that the guest kernel shows taking IPv4 too: any line's remote can reach it.</summary>
    public static bool IsDualStack(GuestSocket socket) =>
        socket.Family == SocketFamily.Inet6 && socket.V6Only == false && socket.LocalAddress.Equals(IPAddress.IPv6Any);

    public static bool IsUnset(IPAddress address) =>
        address.Equals(address.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any);
}
