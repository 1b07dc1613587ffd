using System.Net;
using System.Net.Sockets;

namespace AlSafe.Lab;

/// <summary>
/// A TCP server in a network namespace (IPv4 and IPv6) that sends every client one byte as soon as it accepts it, and
/// keeps the connection until it is disposed. The guest's tcp-connect helper waits up to two seconds for a byte after
/// its connect() returns: greeted at once, it returns as soon as the handshake is done, so that timing the guest
/// command times the connection.
/// </summary>
internal sealed class GreetingServer : IAsyncDisposable
{
    private static readonly byte[] Greeting = "!"u8.ToArray();

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _clients = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;

    private GreetingServer(Socket listener)
    {
        _listener = listener;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Listens on <paramref name="port"/> of every address of the namespace at <paramref name="namespacePath"/>.</summary>
    public static GreetingServer Start(string namespacePath, ushort port)
    {
        var listener = NamespaceSocket.CreateTcp(namespacePath, AddressFamily.InterNetworkV6);
        try
        {
            listener.DualMode = true;
            listener.Bind(new IPEndPoint(IPAddress.IPv6Any, port));
            listener.Listen(64);
            return new GreetingServer(listener);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        lock (_gate)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            _clients.Clear();
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            lock (_gate)
            {
                _clients.Add(client);
            }

            try
            {
                await client.SendAsync(Greeting, SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // The client is gone already; the next one is what matters.
            }
        }
    }
}
