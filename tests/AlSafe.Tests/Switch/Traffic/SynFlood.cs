using System.Net;
using System.Net.Sockets;
using AlSafe.TestSupport.Net;

namespace AlSafe.Tests.Switch.Traffic;

/// <summary>
/// Many TCP SYNs from inside a test's namespace at once, with no tool beyond the kernel: non-blocking connections,
/// each of which sends its SYN from connect(), closed before any retransmission.
/// </summary>
internal static class SynFlood
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Sends <paramref name="count"/> SYNs to <paramref name="to"/>:<paramref name="port"/> from
    /// <paramref name="ns"/>, each from its own ephemeral port.</summary>
    public static void Send(NetNamespace ns, IPAddress to, ushort port, int count) =>
        InNamespace.Run(ns.Path, Bound, () => SendFromInside(new IPEndPoint(to, port), count));

    private static int SendFromInside(IPEndPoint to, int count)
    {
        var sockets = new List<Socket>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var socket = new Socket(to.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                sockets.Add(socket);
                try
                {
                    socket.Connect(to);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
                {
                    // The SYN is out; the answer is never awaited.
                }
            }

            return sockets.Count;
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
