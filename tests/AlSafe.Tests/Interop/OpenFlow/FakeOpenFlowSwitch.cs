using System.Net.Sockets;
using AlSafe.Interop.OpenFlow;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>A scripted switch on a unix socket, for what Open vSwitch will not do on demand: speak only 1.0, stay
/// silent, lie about lengths, answer out of order.</summary>
internal sealed class FakeOpenFlowSwitch : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Socket _listener;
    private Socket? _peer;
    private readonly byte[] _buffer = new byte[1 << 17];
    private int _filled;

    /// <param name="tcp">Listen on a loopback TCP port instead of a unix socket.</param>
    public FakeOpenFlowSwitch(bool tcp = false)
    {
        _directory = Directory.CreateTempSubdirectory("alsafe-fakeof-").FullName;
        SocketPath = Path.Combine(_directory, "br.mgmt");
        if (tcp)
        {
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            TcpPort = ((System.Net.IPEndPoint)_listener.LocalEndPoint!).Port;
        }
        else
        {
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        }

        _listener.Listen(4);
    }

    public string SocketPath { get; }

    public int TcpPort { get; }

    public OpenFlowVersion Version { get; private set; } = OpenFlowVersion.OpenFlow14;

    public async Task AcceptAsync(CancellationToken cancellationToken) => _peer = await _listener.AcceptAsync(cancellationToken);

    /// <summary>Accepts, reads the client's HELLO, sends <paramref name="hello"/>, and answers FEATURES_REQUEST when
    /// the negotiated version is one the client takes.</summary>
    public async Task HandshakeAsync(byte[] hello, CancellationToken cancellationToken, bool answerFeatures = true)
    {
        await AcceptAsync(cancellationToken);
        var clientHello = await ReceiveAsync(cancellationToken);
        if (clientHello[1] != (byte)OpenFlowMessageType.Hello)
        {
            throw new InvalidOperationException("the client did not start with HELLO");
        }

        await SendAsync(hello);
        if (!answerFeatures)
        {
            return;
        }

        var request = await ReceiveAsync(cancellationToken);
        Version = (OpenFlowVersion)request[0];
        await SendAsync(WireBuilder.Message(Version, OpenFlowMessageType.FeaturesReply, Xid(request))
            .U64(0x42).U32(0).U8(254).U8(0).Zeros(2).U32(1).U32(0).Build());
    }

    public static byte[] Hello(byte headerVersion, uint? bitmap)
    {
        var builder = new WireBuilder().U8(headerVersion).U8(0).U16(0).U32(99);
        if (bitmap is { } b)
        {
            builder.U16(1).U16(8).U32(b);
        }

        return builder.Build();
    }

    /// <summary>The next whole message from the client.</summary>
    public async Task<byte[]> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_filled >= 8)
            {
                var length = (_buffer[2] << 8) | _buffer[3];
                if (_filled >= length)
                {
                    var message = _buffer[..length];
                    Buffer.BlockCopy(_buffer, length, _buffer, 0, _filled - length);
                    _filled -= length;
                    return message;
                }
            }

            var received = await _peer!.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None, cancellationToken);
            if (received == 0)
            {
                throw new EndOfStreamException("the client hung up");
            }

            _filled += received;
        }
    }

    /// <summary>Receives messages until one of <paramref name="type"/> arrives, and returns it.</summary>
    public async Task<byte[]> ReceiveAsync(OpenFlowMessageType type, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken);
            if (message[1] == (byte)type)
            {
                return message;
            }
        }
    }

    public static uint Xid(byte[] message) => (uint)((message[4] << 24) | (message[5] << 16) | (message[6] << 8) | message[7]);

    public Task SendAsync(byte[] message) => _peer!.SendAsync(message, SocketFlags.None);

    public void HangUp() => _peer?.Dispose();

    public ValueTask DisposeAsync()
    {
        _peer?.Dispose();
        _listener.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
