using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>What a whitelist line is compared with for one socket of one process, its addresses unmapped.</summary>
/// <param name="Serves">True for a listener or bound UDP socket: it has no remote endpoint yet, so a line's remote columns restrict its grant instead of its match.</param>
/// <param name="Family">The family of both addresses (a socket's two addresses are of one family once unmapped).</param>
/// <param name="DualStack">A serving socket on '::' that takes IPv4 too: lines of either family can open it.</param>
internal readonly record struct SocketQuery(
    SocketProtocol Protocol,
    TrafficDirection Direction,
    bool Serves,
    uint Uid,
    ushort LocalPort,
    AddressFamily Family,
    IPAddress Remote,
    ushort RemotePort,
    bool DualStack)
{
    public static SocketQuery For(GuestProcess process, GuestSocket socket, in ClassifiedSocket classified, TrafficDirection direction)
    {
        var serves = classified.Role == SocketRole.Server;
        return new(
            socket.Protocol,
            direction,
            serves,
            process.Uid,
            socket.LocalPort,
            classified.Local.AddressFamily,
            classified.Remote,
            socket.RemotePort,
            serves && ConnectionClassifier.IsDualStack(socket));
    }
}
