using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AlSafe.TestSupport.Net;

namespace AlSafe.Tests.Switch.Traffic;

/// <summary>
/// Many TCP SYNs from inside a test's namespace at once, with no tool beyond the kernel: a thread of its own enters
/// the namespace (setns affects only the calling thread), opens non-blocking connections, each of which sends its SYN
/// from connect(), closes them before any retransmission, and goes back to its own namespace.
/// </summary>
internal static class SynFlood
{
    private const int NewNetworkNamespace = 0x40000000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>Sends <paramref name="count"/> SYNs to <paramref name="to"/>:<paramref name="port"/> from
    /// <paramref name="ns"/>, each from its own ephemeral port.</summary>
    public static void Send(NetNamespace ns, IPAddress to, ushort port, int count)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                SendFromInside(ns.Path, new IPEndPoint(to, port), count);
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        if (!thread.Join(Bound))
        {
            throw new TimeoutException($"{count} SYNs from {ns} were not sent within {Bound}");
        }

        if (failure is not null)
        {
            throw new InvalidOperationException($"sending SYNs from {ns} failed: {failure.Message}", failure);
        }
    }

    private static void SendFromInside(string nsPath, IPEndPoint to, int count)
    {
        using var own = File.OpenHandle("/proc/thread-self/ns/net");
        using var target = File.OpenHandle(nsPath);
        Enter(target.DangerousGetHandle().ToInt32(), nsPath);
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
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            Enter(own.DangerousGetHandle().ToInt32(), "the thread's own network namespace");
        }
    }

    private static void Enter(int fd, string what)
    {
        if (SetNamespace(fd, NewNetworkNamespace) != 0)
        {
            throw new InvalidOperationException($"setns into {what} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // DllImport rather than LibraryImport, which would need unsafe code in the test project.
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNamespace(int fd, int type);
}
