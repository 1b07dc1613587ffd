using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using AlSafe.Interop.Qmp;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Qmp;

/// <summary>The client against a scripted peer: timeouts, hang-ups, junk and floods that a real QEMU will not produce
/// on demand.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class QmpClientProtocolTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private FakeQmpServer _server = null!;

    [SetUp]
    public void SetUp() => _server = new FakeQmpServer();

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    [Test]
    public void A_socket_that_never_greets_times_out()
    {
        var watch = Stopwatch.StartNew();

        var e = Assert.ThrowsAsync<TimeoutException>(() =>
            QmpClient.ConnectAsync(_server.SocketPath, TimeSpan.FromMilliseconds(300), CancellationToken.None))!;

        Assert.That(e.Message, Does.Contain(_server.SocketPath));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task A_greeting_that_is_not_QMP_is_refused(CancellationToken cancellationToken)
    {
        var connecting = QmpClient.ConnectAsync(_server.SocketPath, Timeout, cancellationToken);
        await _server.AcceptAsync(cancellationToken);
        await _server.SendAsync("""{"hello": "world"}""");

        var e = Assert.ThrowsAsync<InvalidDataException>(() => connecting)!;

        Assert.That(e.Message, Does.Contain("QMP"));
    }

    [Test]
    public async Task Handshake_reads_the_version_and_negotiates_capabilities(CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(cancellationToken);

        Assert.That(client.QemuVersion, Is.EqualTo(new Version(9, 2, 3)));
        Assert.That(client.QemuPackage, Is.EqualTo("fake"));
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task Answers_are_matched_by_id_whatever_their_order(CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(cancellationToken);

        var first = client.ExecuteAsync("first", cancellationToken: cancellationToken);
        var second = client.ExecuteAsync("second", new JsonObject { ["x"] = 1 }, cancellationToken: cancellationToken);
        var requests = new[] { await _server.ReadCommandAsync(cancellationToken), await _server.ReadCommandAsync(cancellationToken) };
        foreach (var request in requests.Reverse())
        {
            await _server.SendAsync($$"""{"return": "{{request["execute"]}}", "id": {{request["id"]!.ToJsonString()}}}""");
        }

        Assert.That((await first).GetString(), Is.EqualTo("first"));
        Assert.That((await second).GetString(), Is.EqualTo("second"));
        Assert.That(requests.Select(r => r["id"]!.ToJsonString()).Distinct().Count(), Is.EqualTo(2));
        Assert.That(requests.Single(r => (string?)r["execute"] == "second")["arguments"]!["x"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_command_without_an_answer_times_out_and_a_late_answer_is_ignored(CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(cancellationToken);

        var silent = client.ExecuteAsync("slow", timeout: TimeSpan.FromMilliseconds(200), cancellationToken: cancellationToken);
        var slow = await _server.ReadCommandAsync(cancellationToken);
        var e = Assert.ThrowsAsync<TimeoutException>(() => silent)!;
        Assert.That(e.Message, Does.Contain("slow"));

        var next = client.ExecuteAsync("next", cancellationToken: cancellationToken);
        var request = await _server.ReadCommandAsync(cancellationToken);
        await _server.SendAsync($$"""{"return": "late", "id": {{slow["id"]!.ToJsonString()}}}""");
        await _server.SendAsync($$"""{"return": "on time", "id": {{request["id"]!.ToJsonString()}}}""");

        Assert.That((await next).GetString(), Is.EqualTo("on time"));
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task An_error_answer_throws_its_class_and_description(CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(cancellationToken);

        var pending = client.ExecuteAsync("bad", cancellationToken: cancellationToken);
        var request = await _server.ReadCommandAsync(cancellationToken);
        await _server.SendAsync($$$"""{"id": {{{request["id"]!.ToJsonString()}}}, "error": {"class": "GenericError", "desc": "no way"}}""");

        var e = Assert.ThrowsAsync<QmpException>(() => pending)!;
        Assert.That(e.Command, Is.EqualTo("bad"));
        Assert.That(e.ErrorClass, Is.EqualTo("GenericError"));
        Assert.That(e.Description, Is.EqualTo("no way"));
    }

    [Test]
    public async Task A_hang_up_fails_pending_and_later_commands_and_ends_the_events(CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(cancellationToken);

        var pending = client.ExecuteAsync("query-status", cancellationToken: cancellationToken);
        await _server.ReadCommandAsync(cancellationToken);
        _server.HangUp();

        var e = Assert.ThrowsAsync<IOException>(() => pending)!;
        Assert.That(e.Message, Does.Contain("query-status").And.Contain("closed"));
        Assert.That(client.IsConnected, Is.False);
        Assert.ThrowsAsync<IOException>(() => client.ExecuteAsync("cont", cancellationToken: cancellationToken));
        Assert.ThrowsAsync<IOException>(async () => await client.Events.Completion);
    }

    [Test]
    public async Task A_line_over_the_cap_ends_the_connection(CancellationToken cancellationToken)
    {
        var connecting = QmpClient.ConnectAsync(_server.SocketPath, Timeout, 1024, cancellationToken);
        await _server.HandshakeAsync(cancellationToken);
        await using var client = await connecting;

        var pending = client.ExecuteAsync("query-status", cancellationToken: cancellationToken);
        await _server.ReadCommandAsync(cancellationToken);
        await _server.SendRawAsync(Encoding.ASCII.GetBytes("{\"return\": \"" + new string('x', 4096)));

        var e = Assert.ThrowsAsync<IOException>(() => pending)!;
        Assert.That(e.Message, Does.Contain("longer than 1024"));
    }

    [Test]
    public async Task A_flood_of_events_keeps_only_the_newest(CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(cancellationToken);
        const int sent = QmpClient.EventCapacity * 3;

        var builder = new StringBuilder();
        for (var i = 0; i < sent; i++)
        {
            builder.Append($$$"""{"timestamp": {"seconds": 1700000000, "microseconds": 250000}, "event": "E{{{i}}}", "data": {"n": {{{i}}}}}""").Append("\r\n");
        }

        var sync = client.ExecuteAsync("sync", cancellationToken: cancellationToken);
        var request = await _server.ReadCommandAsync(cancellationToken);
        await _server.SendRawAsync(Encoding.ASCII.GetBytes(builder.ToString()));
        await _server.SendAsync($$"""{"return": {}, "id": {{request["id"]!.ToJsonString()}}}""");
        await sync;

        var received = new List<QmpEvent>();
        while (client.Events.TryRead(out var item))
        {
            received.Add(item);
        }

        Assert.That(received, Has.Count.EqualTo(QmpClient.EventCapacity));
        Assert.That(received[0].Name, Is.EqualTo($"E{sent - QmpClient.EventCapacity}"));
        Assert.That(received[^1].Data!.Value.GetProperty("n").GetInt32(), Is.EqualTo(sent - 1));
        Assert.That(received[^1].Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1700000000).AddMilliseconds(250)));
    }

    [Test]
    public async Task Disposing_fails_a_pending_command(CancellationToken cancellationToken)
    {
        var client = await ConnectAsync(cancellationToken);

        var pending = client.ExecuteAsync("query-status", cancellationToken: cancellationToken);
        await _server.ReadCommandAsync(cancellationToken);
        await client.DisposeAsync();

        Assert.ThrowsAsync<ObjectDisposedException>(() => pending);
        Assert.ThrowsAsync<ObjectDisposedException>(() => client.ExecuteAsync("cont", cancellationToken: cancellationToken));
    }

    [Test]
    public void A_server_that_is_not_there_fails_to_connect()
    {
        var missing = Path.Combine(Path.GetTempPath(), "alsafe-no-such-" + Guid.NewGuid().ToString("N"));

        Assert.ThrowsAsync(Is.InstanceOf<SocketException>(), () => QmpClient.ConnectAsync(missing, Timeout, CancellationToken.None));
    }

    private async Task<QmpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var connecting = QmpClient.ConnectAsync(_server.SocketPath, Timeout, cancellationToken);
        await _server.HandshakeAsync(cancellationToken);
        return await connecting;
    }
}
