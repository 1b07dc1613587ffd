using System.Net.Sockets;

namespace AlSafe.Interop.Qmp;

/// <summary>
/// Splits a QMP stream into lines (QEMU ends each JSON message with CR LF). A line longer than the cap fails the
/// read, so a broken or hostile peer cannot make the buffer grow without bound.
/// </summary>
internal sealed class QmpLineReader(Socket socket, int maxLineLength)
{
    private const int InitialBuffer = 16 * 1024;

    private byte[] _buffer = new byte[Math.Min(InitialBuffer, maxLineLength + 1)];
    private int _start;
    private int _end;

    /// <summary>The next line without its LF, or null at end of stream. The memory is valid until the next call.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanFrom = _start;
        while (true)
        {
            var newline = _buffer.AsSpan(scanFrom, _end - scanFrom).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var lineEnd = scanFrom + newline;
                var line = _buffer.AsMemory(_start, lineEnd - _start);
                _start = lineEnd + 1;
                return line;
            }

            if (_end - _start > maxLineLength)
            {
                throw new InvalidDataException($"a QMP message is longer than {maxLineLength} bytes");
            }

            scanFrom = _end;
            if (_end == _buffer.Length)
            {
                MakeRoom();
                scanFrom = _end;
            }

            var received = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                return null;
            }

            _end += received;
        }
    }

    private void MakeRoom()
    {
        var used = _end - _start;
        if (_start == 0)
        {
            // Room for one more byte than the cap, so that a line over the cap is seen as one.
            var grown = new byte[(int)Math.Min(_buffer.Length * 2L, maxLineLength + 1L)];
            _buffer.AsSpan(0, used).CopyTo(grown);
            _buffer = grown;
        }
        else
        {
            _buffer.AsSpan(_start, used).CopyTo(_buffer);
        }

        _start = 0;
        _end = used;
    }
}
