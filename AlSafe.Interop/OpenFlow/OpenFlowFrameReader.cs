using System.Buffers;
using System.Net.Sockets;

namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// Cuts the byte stream of a connection into whole OpenFlow messages. One pooled buffer, twice the largest message,
/// receives whatever the socket has; a returned message is a view into it, valid until the next read.
/// </summary>
internal sealed class OpenFlowFrameReader : IDisposable
{
    private const int BufferSize = 2 << 16;

    private readonly Socket _socket;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start;
    private int _end;

    public OpenFlowFrameReader(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>The next message, or null when the peer closed the connection between messages.</summary>
    /// <exception cref="OpenFlowException">A length below the header size, or the peer hung up mid-message.</exception>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var available = _end - _start;
            if (available >= OpenFlowHeader.Size)
            {
                var header = OpenFlowHeader.Read(_buffer.AsSpan(_start, available));
                if (available >= header.Length)
                {
                    var message = _buffer.AsMemory(_start, header.Length);
                    _start += header.Length;
                    return message;
                }
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, available).CopyTo(_buffer);
                _start = 0;
                _end = available;
            }

            var received = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                return _end == 0
                    ? null
                    : throw new OpenFlowException(OpenFlowFailure.ConnectionLost,
                        $"the peer closed the connection in the middle of a message ({_end} bytes of it received)");
            }

            _end += received;
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
