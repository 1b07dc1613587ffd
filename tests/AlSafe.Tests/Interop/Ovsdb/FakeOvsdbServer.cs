using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AlSafe.Interop.Ovsdb;

namespace AlSafe.Tests.Interop.Ovsdb;

/// <summary>A scripted OVSDB peer on a unix socket, for what a real ovsdb-server will not do on demand: stay silent,
/// send junk, send echo requests, answer out of order.</summary>
internal sealed class FakeOvsdbServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly Socket _listener;
    private readonly OvsdbMessageFramer _framer = new(1 << 20);
    private Socket? _peer;

    public FakeOvsdbServer()
    {
        _directory = Directory.CreateTempSubdirectory("alsafe-fakeovsdb-").FullName;
        Endpoint = OvsdbEndpoint.Unix(Path.Combine(_directory, "db.sock"));
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(Endpoint.Address);
        _listener.Listen(4);
    }

    public OvsdbEndpoint Endpoint { get; }

    /// <summary>Connects a client (keepalive off unless asked for) and accepts it.</summary>
    public async Task<OvsdbClient> ConnectAsync(CancellationToken cancellationToken, OvsdbClientOptions? options = null)
    {
        var connecting = OvsdbClient.ConnectAsync(Endpoint,
            options ?? new OvsdbClientOptions { Timeout = TimeSpan.FromSeconds(5), KeepaliveInterval = Timeout.InfiniteTimeSpan },
            cancellationToken);
        _peer = await _listener.AcceptAsync(cancellationToken);
        return await connecting;
    }

    /// <summary>The next message the client sent.</summary>
    public async Task<JsonObject> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_framer.TryTake(out var message))
            {
                return JsonNode.Parse(message.Span)!.AsObject();
            }

            var received = await _peer!.ReceiveAsync(_framer.GetFreeSpace(), SocketFlags.None, cancellationToken);
            if (received == 0)
            {
                throw new EndOfStreamException("the client hung up");
            }

            _framer.Commit(received);
        }
    }

    /// <summary>The next request, checked to be of <paramref name="method"/>.</summary>
    public async Task<JsonObject> ExpectAsync(string method, CancellationToken cancellationToken)
    {
        var request = await ReceiveAsync(cancellationToken);
        return request["method"]?.GetValue<string>() == method
            ? request
            : throw new InvalidOperationException($"expected {method}, got {request.ToJsonString()}");
    }

    public Task AnswerAsync(JsonObject request, string resultJson) =>
        SendAsync($$"""{"id":{{request["id"]!.ToJsonString()}},"result":{{resultJson}},"error":null}""");

    public Task SendAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes) => await _peer!.SendAsync(bytes, SocketFlags.None);

    public void HangUp()
    {
        _peer?.Shutdown(SocketShutdown.Both);
        _peer?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        _peer?.Dispose();
        _listener.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
