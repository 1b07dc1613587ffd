using System.Net;
using System.Text;
using System.Text.Json;
using AlSafe.Core.Introspection.Model;
using NUnit.Framework;

namespace AlSafe.Tests.Introspection.Model;

[TestFixture]
public sealed class SnapshotJsonReaderTests
{
    private static readonly GuestKernel Kernel = new("6.1.0-56-amd64", "abc", "built", 0x1000000, 0x2e00000, 0xffff888000000000, 4);

    [Test]
    public void What_the_writer_prints_reads_back_equal()
    {
        var processes = new[]
        {
            new GuestProcess(1, 1, 0, "init", 0, "/sbin/init", false, [], 1),
            new GuestProcess(2, 2, 0, "kthreadd", 0, null, true, [], 0),
            new GuestProcess(400, 400, 1, "nginx", 33, "/usr/sbin/nginx", false,
            [
                new GuestSocket(3, 9100, SocketFamily.Inet, SocketProtocol.Tcp, IPAddress.Any, 80, IPAddress.Any, 0, SocketState.Listen),
                new GuestSocket(4, 9101, SocketFamily.Inet6, SocketProtocol.Udp, IPAddress.Parse("fd00:a15a::10"), 5353,
                    IPAddress.Parse("fd00::1"), 53, SocketState.Established),
                new GuestSocket(5, ulong.MaxValue, SocketFamily.Inet, SocketProtocol.Tcp, IPAddress.Parse("192.0.2.10"), 80,
                    IPAddress.Parse("198.51.100.7"), 40000, SocketState.TimeWait),
                new GuestSocket(6, 9102, SocketFamily.Inet6, SocketProtocol.Tcp, IPAddress.IPv6Any, 80, IPAddress.IPv6Any, 0,
                    SocketState.Listen, V6Only: false),
                new GuestSocket(7, 9103, SocketFamily.Inet6, SocketProtocol.Tcp, IPAddress.IPv6Any, 443, IPAddress.IPv6Any, 0,
                    SocketState.Listen, V6Only: true),
            ], 0),
        };
        var snapshot = new IntrospectionSnapshot(Kernel, processes, new IntrospectionTimings(TimeSpan.FromMilliseconds(1), TimeSpan.Zero, 9), true);

        var read = SnapshotJsonReader.Read(Write(snapshot), "conn.json");

        Assert.That(read.Rejected, Is.Empty);
        Assert.That(read.Snapshot.Kernel, Is.EqualTo(Kernel));
        Assert.That(read.Snapshot.Paused, Is.True);
        Assert.That(read.Snapshot.Processes, Has.Count.EqualTo(3));
        for (var i = 0; i < processes.Length; i++)
        {
            var (expected, actual) = (processes[i], read.Snapshot.Processes[i]);
            Assert.That(actual with { Sockets = [] }, Is.EqualTo(expected with { Sockets = [] }));
            Assert.That(actual.Sockets, Is.EqualTo(expected.Sockets));
        }
    }

    [TestCase("\"localPort\": 80", "\"localPort\": 65536", "localPort 65536 is not a 16-bit port")]
    [TestCase("\"localPort\": 80", "\"localPort\": -1", "localPort -1 is not a 16-bit port")]
    [TestCase("\"localPort\": 80", "\"localPort\": \"80\"", "is not a 16-bit port")]
    [TestCase("\"localAddress\": \"0.0.0.0\"", "\"localAddress\": \"300.1.1.1\"", "localAddress '300.1.1.1' is not an IPv4 address")]
    [TestCase("\"localAddress\": \"0.0.0.0\"", "\"localAddress\": \"::\"", "localAddress '::' is not an IPv4 address")]
    [TestCase("\"localAddress\": \"0.0.0.0\"", "\"localAddress\": \"127.1\"", "is not an IPv4 address in canonical form")]
    [TestCase("\"state\": \"LISTEN\"", "\"state\": \"LISTENING\"", "state 'LISTENING' is not a kernel socket state")]
    [TestCase("\"proto\": \"tcp\"", "\"proto\": \"sctp\"", "proto tcp or udp")]
    public void An_implausible_socket_is_left_out_with_its_reason(string good, string bad, string reason)
    {
        var json = Document().Replace(good, bad, StringComparison.Ordinal);

        var read = SnapshotJsonReader.Read(Encoding.UTF8.GetBytes(json), "conn.json");

        Assert.That(read.Snapshot.Processes[0].Sockets, Has.Count.EqualTo(1), "the other socket of the process stays");
        Assert.That(read.Rejected, Has.Count.EqualTo(1));
        Assert.That(read.Rejected[0], Does.StartWith("conn.json: $.processes[0].sockets[0] (pid 7, srv): ").And.Contain(reason));
    }

    [TestCase("\"state\": \"LISTEN\"", "\"state\": \"LISTEN\", \"v6only\": true", "v6only is given for an inet socket")]
    [TestCase("\"state\": \"LISTEN\"", "\"state\": \"LISTEN\", \"v6only\": 1", "v6only 1 is not a boolean")]
    public void A_v6only_that_cannot_be_right_leaves_the_socket_out(string good, string bad, string reason) =>
        An_implausible_socket_is_left_out_with_its_reason(good, bad, reason);

    [TestCase("", null)]
    [TestCase(", \"v6only\": null", null)]
    [TestCase(", \"v6only\": false", false)]
    [TestCase(", \"v6only\": true", true)]
    public void V6only_is_read_when_given_and_unknown_when_not(string v6Only, bool? expected)
    {
        var json = $$"""
            { "processes": [ { "pid": 7, "tgid": 7, "ppid": 1, "comm": "srv", "exe": "/srv", "uid": 0, "sockets": [
                { "fd": 3, "inode": 11, "family": "inet6", "proto": "tcp", "localAddress": "::", "localPort": 80,
                  "remoteAddress": "::", "remotePort": 0, "state": "LISTEN"{{v6Only}} } ] } ] }
            """;

        var read = SnapshotJsonReader.Read(Encoding.UTF8.GetBytes(json), "conn.json");

        Assert.That(read.Rejected, Is.Empty);
        var socket = read.Snapshot.Processes[0].Sockets[0];
        Assert.That(socket.Family, Is.EqualTo(SocketFamily.Inet6));
        Assert.That(socket.V6Only, Is.EqualTo(expected));
    }

    [Test]
    public void The_writer_gives_v6only_only_where_it_is_known()
    {
        var sockets = new[]
        {
            new GuestSocket(3, 1, SocketFamily.Inet, SocketProtocol.Tcp, IPAddress.Any, 80, IPAddress.Any, 0, SocketState.Listen),
            new GuestSocket(4, 2, SocketFamily.Inet6, SocketProtocol.Tcp, IPAddress.IPv6Any, 80, IPAddress.IPv6Any, 0, SocketState.Listen),
            new GuestSocket(5, 3, SocketFamily.Inet6, SocketProtocol.Tcp, IPAddress.IPv6Any, 81, IPAddress.IPv6Any, 0, SocketState.Listen, false),
        };
        var snapshot = new IntrospectionSnapshot(
            Kernel, [new GuestProcess(9, 9, 1, "srv", 0, "/srv", false, sockets, 0)], new IntrospectionTimings(TimeSpan.Zero, TimeSpan.Zero, 0), false);

        using var json = JsonDocument.Parse(Write(snapshot));

        var written = json.RootElement.GetProperty("processes")[0].GetProperty("sockets").EnumerateArray()
            .Select(s => s.TryGetProperty("v6only", out var v) ? v.GetRawText() : "absent");
        Assert.That(written, Is.EqualTo(new[] { "absent", "absent", "false" }));
    }

    [TestCase("{", "conn.json:1:2: not JSON")]
    [TestCase("[]", "conn.json: $ must be a JSON object")]
    [TestCase("{\"processes\": {}}", "conn.json: $.processes must be a JSON array")]
    [TestCase("{\"processes\": [{\"pid\": 1}]}", "conn.json: $.processes[0].comm must be a string")]
    [TestCase("{\"processes\": [{\"pid\": 1.5}]}", "conn.json: $.processes[0].pid must be a 32-bit integer")]
    public void A_document_of_the_wrong_shape_is_refused_naming_where(string json, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => SnapshotJsonReader.Read(Encoding.UTF8.GetBytes(json), "conn.json"))!;

        Assert.That(e.Message, Does.StartWith(message));
    }

    private static string Document() => """
        {
          "processes": [
            { "pid": 7, "tgid": 7, "ppid": 1, "comm": "srv", "exe": "/srv", "uid": 0, "kernelThread": false, "otherSockets": 0,
              "sockets": [
                { "fd": 3, "inode": 11, "family": "inet", "proto": "tcp", "localAddress": "0.0.0.0", "localPort": 80,
                  "remoteAddress": "0.0.0.0", "remotePort": 0, "state": "LISTEN" },
                { "fd": 4, "inode": 12, "family": "inet", "proto": "udp", "localAddress": "192.0.2.10", "localPort": 53,
                  "remoteAddress": "0.0.0.0", "remotePort": 0, "state": "CLOSE" }
              ] }
          ]
        }
        """;

    private static byte[] Write(IntrospectionSnapshot snapshot)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            SnapshotJsonWriter.Write(w, snapshot);
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
