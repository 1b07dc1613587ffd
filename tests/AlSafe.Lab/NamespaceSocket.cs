using System.Net.Sockets;
using AlSafe.TestSupport.Net;

namespace AlSafe.Lab;

/// <summary>TCP sockets that belong to a named network namespace (<c>ip netns</c>), made in this process, so that what
/// the socket then does is timed without starting a process.</summary>
internal static class NamespaceSocket
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>A new, unconnected TCP socket of <paramref name="family"/> in the namespace at
    /// <paramref name="namespacePath"/> (/run/netns/NAME).</summary>
    public static Socket CreateTcp(string namespacePath, AddressFamily family) =>
        InNamespace.Run(namespacePath, Bound, () => new Socket(family, SocketType.Stream, ProtocolType.Tcp));
}
