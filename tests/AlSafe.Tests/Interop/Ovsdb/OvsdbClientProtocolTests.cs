using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AlSafe.Interop.Ovsdb;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Ovsdb;

/// <summary>The client against a scripted peer: errors, junk, echo requests, silence and hang-ups.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class OvsdbClientProtocolTests
{
    private const string Row = "0e7b2f36-4cc3-4b4c-9d3e-0c5e3c2b1a00";
    private FakeOvsdbServer _server = null!;

    [SetUp]
    public void SetUp() => _server = new FakeOvsdbServer();

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    [Test]
    public async Task Requests_carry_ids_and_answers_are_matched_whatever_their_order(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken);

        var first = client.ListDbsAsync(cancellationToken);
        var second = client.EchoAsync(cancellationToken);
        var listDbs = await _server.ExpectAsync("list_dbs", cancellationToken);
        var echo = await _server.ExpectAsync("echo", cancellationToken);
        await _server.AnswerAsync(echo, "[\"back\"]");
        await _server.AnswerAsync(listDbs, """["Open_vSwitch","_Server"]""");

        Assert.That(await first, Is.EqualTo(new[] { "Open_vSwitch", "_Server" }));
        Assert.That((await second)[0].GetString(), Is.EqualTo("back"));
        Assert.That(listDbs["id"]!.GetValue<long>(), Is.Not.EqualTo(echo["id"]!.GetValue<long>()));
        Assert.That(listDbs["params"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task A_json_rpc_error_names_the_server_error_and_details(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken);

        var transact = client.TransactAsync("Nope", [], cancellationToken);
        var request = await _server.ExpectAsync("transact", cancellationToken);
        await _server.SendAsync("""{"id":ID,"result":null,"error":{"error":"unknown database","details":"Nope is not a database"}}""".Replace("ID", request["id"]!.ToJsonString(), StringComparison.Ordinal));

        var e = Assert.ThrowsAsync<OvsdbException>(() => transact)!;
        Assert.That(e.Error, Is.EqualTo("unknown database"));
        Assert.That(e.Details, Is.EqualTo("Nope is not a database"));
        Assert.That(e.Message, Does.Contain("transact").And.Contain("unknown database").And.Contain("Nope is not a database"));
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task A_failed_operation_fails_the_transaction_with_its_index_and_details(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken);
        JsonArray operations = [new JsonObject { ["op"] = "comment", ["comment"] = "x" }, new JsonObject { ["op"] = "insert", ["table"] = "T" }];

        var transact = client.TransactAsync("Open_vSwitch", operations, cancellationToken);
        var request = await _server.ExpectAsync("transact", cancellationToken);
        await _server.AnswerAsync(request, """[{}, {"error":"constraint violation","details":"no row"}, null]""");

        var e = Assert.ThrowsAsync<OvsdbException>(() => transact)!;
        Assert.That(request["params"]!.ToJsonString(), Is.EqualTo("""["Open_vSwitch",{"op":"comment","comment":"x"},{"op":"insert","table":"T"}]"""));
        Assert.That(e.Message, Does.Contain("operation 1").And.Contain("constraint violation").And.Contain("no row"));
    }

    [Test]
    public async Task The_servers_echo_is_answered_with_its_id_and_params(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken);

        await _server.SendAsync("""{"method":"echo","params":["ping",1],"id":"echo"}""");
        var reply = await _server.ReceiveAsync(cancellationToken);

        Assert.That(reply.ToJsonString(), Is.EqualTo("""{"id":"echo","result":["ping",1],"error":null}"""));
    }

    [Test]
    public async Task An_unknown_request_from_the_server_is_answered_with_an_error(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken);

        await _server.SendAsync("""{"method":"transact","params":[],"id":42}""");
        var reply = await _server.ReceiveAsync(cancellationToken);

        Assert.That(reply["id"]!.GetValue<int>(), Is.EqualTo(42));
        Assert.That(reply["error"]!.GetValue<string>(), Is.EqualTo("unknown method"));
    }

    [Test]
    public async Task A_silent_server_gets_an_echo_and_one_that_answers_it_keeps_the_connection(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken,
            new OvsdbClientOptions { Timeout = TimeSpan.FromSeconds(5), KeepaliveInterval = TimeSpan.FromMilliseconds(200) });

        for (var i = 0; i < 3; i++)
        {
            var echo = await _server.ExpectAsync("echo", cancellationToken);
            await _server.AnswerAsync(echo, echo["params"]!.ToJsonString());
        }

        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task A_server_that_does_not_answer_the_keepalive_echo_loses_the_connection(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken,
            new OvsdbClientOptions { Timeout = TimeSpan.FromMilliseconds(300), KeepaliveInterval = TimeSpan.FromMilliseconds(200) });
        var monitor = MonitorAsync(client, cancellationToken);
        await _server.AnswerAsync(await _server.ExpectAsync("monitor", cancellationToken), "{}");
        var watch = Stopwatch.StartNew();

        await _server.ExpectAsync("echo", cancellationToken);
        var started = await monitor;
        var e = Assert.ThrowsAsync<OvsdbException>(() => started.Updates.Completion)!;

        Assert.That(e.Message, Does.Contain("did not answer an echo"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "the keepalive, not some later timeout, ended it");
        Assert.That(client.IsConnected, Is.False);
    }

    [TestCase("this is not json")]
    [TestCase("[1,2,3]")]
    [TestCase("""{"id":1,"result":[""")]
    [TestCase("""{"neither":"request nor response"}""")]
    [TestCase("""{"method":5,"id":null}""")]
    [TestCase("""{"method":"update","params":[1],"id":null}""")]
    [TestCase("""{"method":"update","params":[1,{"Interface":{"not-a-uuid":{"new":{}}}}],"id":null}""")]
    public async Task Junk_from_the_server_fails_pending_requests_with_an_ovsdb_exception(string junk, CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken);
        var pending = client.ListDbsAsync(cancellationToken);
        await _server.ExpectAsync("list_dbs", cancellationToken);

        await _server.SendAsync(junk);
        if (junk.StartsWith("{\"id\":1,\"result\":[", StringComparison.Ordinal))
        {
            _server.HangUp();
        }

        var e = Assert.ThrowsAsync<OvsdbException>(() => pending)!;
        Assert.That(e.Message, Does.Contain("list_dbs was not answered"));
        Assert.That(client.IsConnected, Is.False);
        Assert.ThrowsAsync<OvsdbException>(() => client.EchoAsync(cancellationToken));
    }

    [Test]
    public async Task A_string_escaping_a_lone_surrogate_is_an_ovsdb_exception(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken);
        var pending = client.ListDbsAsync(cancellationToken);

        await _server.AnswerAsync(await _server.ExpectAsync("list_dbs", cancellationToken), """["\ud800"]""");

        Assert.ThrowsAsync<OvsdbException>(() => pending);
    }

    [Test]
    public async Task A_message_over_the_cap_ends_the_connection(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken,
            new OvsdbClientOptions { MaxMessageBytes = 1024, KeepaliveInterval = Timeout.InfiniteTimeSpan });
        var pending = client.ListDbsAsync(cancellationToken);
        var request = await _server.ExpectAsync("list_dbs", cancellationToken);

        await _server.AnswerAsync(request, $"[\"{new string('x', 2000)}\"]");

        var e = Assert.ThrowsAsync<OvsdbException>(() => pending)!;
        Assert.That(e.Message, Does.Contain("longer than 1024 bytes"));
    }

    [Test]
    public async Task Random_bytes_never_escape_as_anything_but_an_ovsdb_exception(CancellationToken cancellationToken)
    {
        var random = new Random(4);
        for (var round = 0; round < 20; round++)
        {
            await using var server = new FakeOvsdbServer();
            await using var client = await server.ConnectAsync(cancellationToken);
            var pending = client.ListDbsAsync(cancellationToken);
            await server.ExpectAsync("list_dbs", cancellationToken);
            var junk = new byte[random.Next(1, 300)];
            random.NextBytes(junk);
            junk[0] = (byte)'{';

            await server.SendRawAsync(junk);
            server.HangUp();

            Assert.ThrowsAsync<OvsdbException>(() => pending, $"round {round}: {Convert.ToHexString(junk)}");
        }
    }

    [Test]
    public async Task The_server_hanging_up_fails_pending_requests(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken);
        var pending = client.ListDbsAsync(cancellationToken);
        await _server.ExpectAsync("list_dbs", cancellationToken);

        _server.HangUp();

        var e = Assert.ThrowsAsync<OvsdbException>(() => pending)!;
        Assert.That(e.Message, Does.Contain("closed the connection"));
    }

    [Test]
    public async Task Disposal_fails_pending_requests(CancellationToken cancellationToken)
    {
        var client = await _server.ConnectAsync(cancellationToken);
        var pending = client.ListDbsAsync(cancellationToken);
        await _server.ExpectAsync("list_dbs", cancellationToken);

        await client.DisposeAsync();

        Assert.ThrowsAsync<ObjectDisposedException>(() => pending);
        Assert.ThrowsAsync<ObjectDisposedException>(() => client.EchoAsync(cancellationToken));
    }

    [Test]
    public async Task An_unanswered_request_times_out_and_the_connection_survives_its_late_answer(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken);

        var late = client.RequestAsync("list_dbs", _ => { }, TimeSpan.FromMilliseconds(200), cancellationToken);
        var request = await _server.ExpectAsync("list_dbs", cancellationToken);
        var e = Assert.ThrowsAsync<TimeoutException>(() => late)!;
        await _server.AnswerAsync(request, "[]");
        var next = client.ListDbsAsync(cancellationToken);
        await _server.AnswerAsync(await _server.ExpectAsync("list_dbs", cancellationToken), """["Open_vSwitch"]""");

        Assert.That(e.Message, Does.Contain("list_dbs").And.Contain(_server.Endpoint.Text));
        Assert.That(await next, Is.EqualTo(new[] { "Open_vSwitch" }));
    }

    [Test]
    public async Task A_monitor_gives_its_initial_rows_then_each_update_in_order(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken);

        var starting = MonitorAsync(client, cancellationToken);
        var request = await _server.ExpectAsync("monitor", cancellationToken);
        var id = request["params"]![1]!.ToJsonString();
        await _server.AnswerAsync(request, """{"Interface":{"ROW":{"new":{"name":"tap1","ofport":["set",[]]}}}}""".Replace("ROW", Row, StringComparison.Ordinal));
        var monitor = await starting;
        for (var ofPort = 1; ofPort <= 50; ofPort++)
        {
            await _server.SendAsync("""{"method":"update","params":[ID,{"Interface":{"ROW":{"old":{"ofport":["set",[]]},"new":{"name":"tap1","ofport":OFPORT}}}}],"id":null}"""
                .Replace("ID", id, StringComparison.Ordinal).Replace("ROW", Row, StringComparison.Ordinal)
                .Replace("OFPORT", ofPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        await _server.SendAsync("""{"method":"update","params":[999,{"Interface":{"ROW":{"new":{"name":"other"}}}}],"id":null}""".Replace("ROW", Row, StringComparison.Ordinal));
        var seen = new List<long>();
        while (seen.Count < 50)
        {
            var batch = await monitor.Updates.ReadAsync(cancellationToken);
            seen.Add(batch.Single().New!["ofport"].GetOptionalInteger()!.Value);
        }

        Assert.That(request["params"]!.ToJsonString(),
            Is.EqualTo("""["Open_vSwitch",ID,{"Interface":{"columns":["name","ofport"]}}]""".Replace("ID", id, StringComparison.Ordinal)));
        Assert.That(monitor.Initial.Single().New!["name"].GetString(), Is.EqualTo("tap1"));
        Assert.That(seen, Is.EqualTo(Enumerable.Range(1, 50).Select(i => (long)i)));
        Assert.That(monitor.Updates.TryRead(out _), Is.False);

        var cancelling = monitor.DisposeAsync();
        var cancel = await _server.ExpectAsync("monitor_cancel", cancellationToken);
        await _server.AnswerAsync(cancel, "{}");
        await cancelling;
        Assert.That(cancel["params"]!.ToJsonString(), Is.EqualTo($"[{id}]"));
    }

    [Test]
    public async Task A_monitor_whose_reader_falls_behind_fails_rather_than_drop_an_update(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken,
            new OvsdbClientOptions { MonitorBacklog = 3, KeepaliveInterval = Timeout.InfiniteTimeSpan });
        var starting = MonitorAsync(client, cancellationToken);
        var request = await _server.ExpectAsync("monitor", cancellationToken);
        await _server.AnswerAsync(request, "{}");
        var monitor = await starting;
        var id = request["params"]![1]!.ToJsonString();

        var notifications = new StringBuilder();
        for (var i = 0; i < 5; i++)
        {
            notifications.Append("""{"method":"update","params":[ID,{}],"id":null}""".Replace("ID", id, StringComparison.Ordinal));
        }

        await _server.SendAsync(notifications.ToString());
        var echo = client.EchoAsync(cancellationToken);
        await _server.AnswerAsync(await _server.ExpectAsync("echo", cancellationToken), "[]");
        await echo;

        var read = 0;
        var e = Assert.ThrowsAsync<OvsdbException>(async () =>
        {
            await foreach (var batch in monitor.Updates.ReadAllAsync(cancellationToken))
            {
                read++;
            }
        })!;
        Assert.That(read, Is.EqualTo(3));
        Assert.That(e.Message, Does.Contain("fell 3 updates behind"));
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public async Task A_monitor_ends_with_an_ovsdb_exception_when_the_server_goes_away(CancellationToken cancellationToken)
    {
        await using var client = await _server.ConnectAsync(cancellationToken);
        var starting = MonitorAsync(client, cancellationToken);
        await _server.AnswerAsync(await _server.ExpectAsync("monitor", cancellationToken), "{}");
        var monitor = await starting;

        _server.HangUp();

        Assert.ThrowsAsync<OvsdbException>(() => monitor.Updates.Completion);
    }

    [Test]
    public void Connecting_to_a_missing_socket_is_an_ovsdb_exception_naming_it()
    {
        var endpoint = OvsdbEndpoint.Unix("/nonexistent/alsafe/db.sock");

        var e = Assert.ThrowsAsync<OvsdbException>(() => OvsdbClient.ConnectAsync(endpoint))!;

        Assert.That(e.Message, Does.Contain("unix:/nonexistent/alsafe/db.sock"));
    }

    [TestCase("unix:/run/openvswitch/db.sock", "unix:/run/openvswitch/db.sock")]
    [TestCase("/run/openvswitch/db.sock", "unix:/run/openvswitch/db.sock")]
    [TestCase("tcp:127.0.0.1:6640", "tcp:127.0.0.1:6640")]
    [TestCase("tcp:[::1]:6640", "tcp:[::1]:6640")]
    public void Endpoints_parse_in_open_vswitch_notation(string text, string expected)
    {
        Assert.That(OvsdbEndpoint.Parse(text).Text, Is.EqualTo(expected));
    }

    [TestCase("unix:")]
    [TestCase("tcp:127.0.0.1")]
    [TestCase("tcp:localhost:6640")]
    [TestCase("ssl:127.0.0.1:6640")]
    public void Other_endpoints_are_refused(string text)
    {
        Assert.Throws<FormatException>(() => OvsdbEndpoint.Parse(text));
    }

    private static Task<OvsdbMonitor> MonitorAsync(OvsdbClient client, CancellationToken cancellationToken) =>
        client.MonitorAsync("Open_vSwitch", "Interface", ["name", "ofport"], cancellationToken);
}
