using System.Net.Sockets;

namespace AlSafe.Interop.Sockets;

/// <summary>Writes a whole message to a stream socket, which may accept it in several pieces.</summary>
internal static class SocketWrites
{
    public static async ValueTask SendAllAsync(this Socket socket, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var remaining = message;
        while (!remaining.IsEmpty)
        {
            var sent = await socket.SendAsync(remaining, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            remaining = remaining[sent..];
        }
    }
}
