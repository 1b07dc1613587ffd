using System.Net.Sockets;

namespace AlSafe.Tests.Logging;

/// <summary>A unix datagram socket in a fresh directory that stands in for journald's, for tests that look at what
/// arrives rather than at what journald makes of it.</summary>
internal sealed class DatagramReceiver : IDisposable
{
    private readonly string _directory;
    private readonly Socket _socket;

    public DatagramReceiver()
    {
        _directory = Directory.CreateTempSubdirectory("alsafe-journal-").FullName;
        Path = System.IO.Path.Combine(_directory, "socket");
        _socket = Bind(Path);
    }

    public string Path { get; }

    /// <summary>The next datagram; fails rather than hangs when none comes.</summary>
    public byte[] Receive()
    {
        var buffer = new byte[1 << 20];
        var length = _socket.Receive(buffer);
        return buffer[..length];
    }

    /// <summary>Closes the socket but leaves its file, as a journald that died would: senders get ECONNREFUSED.</summary>
    public void CloseLeavingStaleFile() => _socket.Dispose();

    public void Dispose()
    {
        _socket.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    public static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { ReceiveTimeout = 10_000 };
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }
}
