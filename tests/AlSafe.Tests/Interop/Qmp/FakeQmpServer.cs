using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Qmp;

/// <summary>A scripted QMP peer on a unix socket, for what a real QEMU will not do on demand: stay silent, send junk,
/// flood events, hang up mid-command.</summary>
internal sealed class FakeQmpServer : IAsyncDisposable
{
    public const string Greeting =
        """{"QMP": {"version": {"qemu": {"micro": 3, "minor": 2, "major": 9}, "package": "fake"}, "capabilities": []}}""";

    private readonly string _directory;
    private readonly Socket _listener;
    private Socket? _peer;
    private StreamReader? _reader;

    public FakeQmpServer()
    {
        _directory = Directory.CreateTempSubdirectory("alsafe-fakeqmp-").FullName;
        SocketPath = Path.Combine(_directory, "qmp.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(4);
    }

    public string SocketPath { get; }

    public async Task AcceptAsync(CancellationToken cancellationToken)
    {
        _peer = await _listener.AcceptAsync(cancellationToken);
        _reader = new StreamReader(new NetworkStream(_peer, ownsSocket: false), Encoding.UTF8);
    }

    /// <summary>Greets and answers qmp_capabilities, as QEMU does before anything else.</summary>
    public async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        await AcceptAsync(cancellationToken);
        await SendAsync(Greeting);
        var request = await ReadCommandAsync(cancellationToken);
        Assert.That(request["execute"]!.GetValue<string>(), Is.EqualTo("qmp_capabilities"));
        await SendAsync($$"""{"return": {}, "id": {{request["id"]!.ToJsonString()}}}""");
    }

    public async Task<JsonObject> ReadCommandAsync(CancellationToken cancellationToken)
    {
        var line = await _reader!.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("the client hung up");
        return JsonNode.Parse(line)!.AsObject();
    }

    public async Task SendAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text + "\r\n");
        await _peer!.SendAsync(bytes, SocketFlags.None);
    }

    public Task SendRawAsync(ReadOnlyMemory<byte> bytes) => _peer!.SendAsync(bytes, SocketFlags.None).AsTask();

    public void HangUp()
    {
        _peer?.Shutdown(SocketShutdown.Both);
        _peer?.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        _peer?.Dispose();
        _listener.Dispose();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
