using System.Diagnostics;
using AlSafe.Interop.OpenFlow;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>The connection against a scripted peer: version refusal, keepalives both ways, timeouts, hang-ups,
/// lies, and the bundle protocol's order of events.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class OpenFlowConnectionProtocolTests
{
    private static readonly OpenFlowConnectionOptions Options = new() { RequestTimeout = TimeSpan.FromSeconds(5), EchoInterval = Timeout.InfiniteTimeSpan };
    private FakeOpenFlowSwitch _switch = null!;

    [SetUp]
    public void SetUp() => _switch = new FakeOpenFlowSwitch();

    [TearDown]
    public async Task TearDown() => await _switch.DisposeAsync();

    [Test]
    public async Task A_switch_below_13_is_refused_with_a_clear_error_and_told_why(CancellationToken cancellationToken)
    {
        var connecting = OpenFlowConnection.ConnectUnixAsync(_switch.SocketPath, Options, cancellationToken);
        await _switch.HandshakeAsync(FakeOpenFlowSwitch.Hello(1, null), cancellationToken, answerFeatures: false);

        var e = Assert.ThrowsAsync<OpenFlowException>(() => connecting)!;
        var error = await _switch.ReceiveAsync(cancellationToken);

        Assert.That(e.Failure, Is.EqualTo(OpenFlowFailure.IncompatibleVersion));
        Assert.That(e.Message, Does.Contain("speaks OpenFlow 1.0").And.Contain("needs OpenFlow 1.3 or later"));
        Assert.That(error[0], Is.EqualTo(1), "the refusal goes out in the switch's own version");
        Assert.That(new OpenFlowReader(error).ReadError().CodeName, Is.EqualTo("OFPHFC_INCOMPATIBLE"));
    }

    [Test]
    public async Task Requiring_14_for_bundles_refuses_a_13_only_switch(CancellationToken cancellationToken)
    {
        var connecting = OpenFlowConnection.ConnectUnixAsync(_switch.SocketPath, Options with { MinVersion = OpenFlowVersion.OpenFlow14 },
            cancellationToken);
        await _switch.HandshakeAsync(FakeOpenFlowSwitch.Hello(4, 0b1_0010), cancellationToken, answerFeatures: false);

        var e = Assert.ThrowsAsync<OpenFlowException>(() => connecting)!;

        Assert.That(e.Message, Does.Contain("OpenFlow 1.4 or later was required (bundles need OpenFlow 1.4)"));
    }

    [TestCase(0b1111_0010u, OpenFlowVersion.OpenFlow15)]
    [TestCase(0b0011_0010u, OpenFlowVersion.OpenFlow14)]
    [TestCase(0b0001_0010u, OpenFlowVersion.OpenFlow13)]
    public async Task The_highest_common_version_is_chosen(uint bitmap, OpenFlowVersion expected)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var connecting = OpenFlowConnection.ConnectUnixAsync(_switch.SocketPath, Options, cancellation.Token);
        await _switch.HandshakeAsync(FakeOpenFlowSwitch.Hello(7, bitmap), cancellation.Token);

        await using var connection = await connecting;

        Assert.That(connection.Version, Is.EqualTo(expected));
        Assert.That(connection.Features.DatapathId, Is.EqualTo(0x42UL));
    }

    [Test]
    public async Task Connects_over_tcp(CancellationToken cancellationToken)
    {
        await using var tcpSwitch = new FakeOpenFlowSwitch(tcp: true);
        var connecting = OpenFlowConnection.ConnectTcpAsync("127.0.0.1", tcpSwitch.TcpPort, Options, cancellationToken);
        await tcpSwitch.HandshakeAsync(FakeOpenFlowSwitch.Hello(6, 0b111_0000), cancellationToken);

        await using var connection = await connecting;

        Assert.That(connection.Endpoint, Is.EqualTo($"tcp:127.0.0.1:{tcpSwitch.TcpPort}"));
        Assert.That(connection.Version, Is.EqualTo(OpenFlowVersion.OpenFlow15));
    }

    [Test]
    public void Nothing_listening_is_a_connection_failure(CancellationToken cancellationToken)
    {
        var e = Assert.ThrowsAsync<OpenFlowException>(() =>
            OpenFlowConnection.ConnectUnixAsync(_switch.SocketPath + ".missing", Options, cancellationToken))!;

        Assert.That(e.Failure, Is.EqualTo(OpenFlowFailure.ConnectionLost));
        Assert.That(e.Message, Does.Contain(".missing"));
    }

    [Test]
    public async Task The_switchs_echo_requests_are_answered_with_their_xid_and_data(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);

        await _switch.SendAsync(WireBuilder.Message(_switch.Version, OpenFlowMessageType.EchoRequest, 0x77).Bytes(9, 8, 7).Build());
        var reply = await _switch.ReceiveAsync(OpenFlowMessageType.EchoReply, cancellationToken);

        Assert.That(FakeOpenFlowSwitch.Xid(reply), Is.EqualTo(0x77u));
        Assert.That(reply[8..], Is.EqualTo(new byte[] { 9, 8, 7 }));
    }

    [Test]
    public async Task A_request_without_an_answer_times_out_and_a_late_answer_is_ignored(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken, Options with { RequestTimeout = TimeSpan.FromMilliseconds(300) });

        var e = Assert.ThrowsAsync<TimeoutException>(() => connection.BarrierAsync(cancellationToken))!;
        var barrier = await _switch.ReceiveAsync(OpenFlowMessageType.BarrierRequest, cancellationToken);
        await _switch.SendAsync(WireBuilder.Message(_switch.Version, OpenFlowMessageType.BarrierReply, FakeOpenFlowSwitch.Xid(barrier)).Build());

        Assert.That(e.Message, Does.Contain("OFPT_BARRIER_REQUEST"));
        var echo = connection.EchoAsync(cancellationToken);
        var request = await _switch.ReceiveAsync(OpenFlowMessageType.EchoRequest, cancellationToken);
        await _switch.SendAsync(WireBuilder.Message(_switch.Version, OpenFlowMessageType.EchoReply, FakeOpenFlowSwitch.Xid(request)).Build());
        await echo;
        Assert.That(connection.IsConnected);
    }

    [Test]
    public async Task A_hang_up_fails_pending_requests_at_once(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken, Options with { RequestTimeout = TimeSpan.FromSeconds(20) });
        var barrier = connection.BarrierAsync(cancellationToken);
        await _switch.ReceiveAsync(OpenFlowMessageType.BarrierRequest, cancellationToken);
        var watch = Stopwatch.StartNew();

        _switch.HangUp();

        var e = Assert.ThrowsAsync<OpenFlowException>(() => barrier)!;
        Assert.That(e.Failure, Is.EqualTo(OpenFlowFailure.ConnectionLost));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "well before the request timeout: a loaded machine gets room");
        Assert.That(connection.IsConnected, Is.False);
        Assert.ThrowsAsync<OpenFlowException>(() => connection.EchoAsync(cancellationToken));
    }

    [Test]
    public async Task A_lying_length_ends_the_connection_as_a_protocol_violation(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var barrier = connection.BarrierAsync(cancellationToken);

        await _switch.SendAsync([(byte)_switch.Version, 21, 0, 3, 0, 0, 0, 1]);

        var e = Assert.ThrowsAsync<OpenFlowException>(() => barrier)!;
        Assert.That(e.Failure, Is.EqualTo(OpenFlowFailure.ConnectionLost));
        Assert.That(e.InnerException, Is.InstanceOf<OpenFlowException>()
            .With.Property(nameof(OpenFlowException.Failure)).EqualTo(OpenFlowFailure.ProtocolViolation));
        Assert.That(async () => await connection.AsyncMessages.Completion, Throws.InstanceOf<OpenFlowException>());
    }

    [Test]
    public async Task Disposal_fails_pending_requests(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken);
        var barrier = connection.BarrierAsync(cancellationToken);
        await _switch.ReceiveAsync(OpenFlowMessageType.BarrierRequest, cancellationToken);

        await connection.DisposeAsync();

        Assert.ThrowsAsync<ObjectDisposedException>(() => barrier);
        Assert.That(async () => await connection.AsyncMessages.Completion, Throws.Nothing);
    }

    [Test]
    public async Task A_switch_that_stops_answering_echoes_is_declared_dead(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken, Options with
        {
            EchoInterval = TimeSpan.FromMilliseconds(100), MissedEchoLimit = 3, RequestTimeout = TimeSpan.FromSeconds(20),
        });
        var barrier = connection.BarrierAsync(cancellationToken);
        var watch = Stopwatch.StartNew();

        var e = Assert.ThrowsAsync<OpenFlowException>(() => barrier)!;

        Assert.That(e.Message, Does.Contain("3 echo requests in a row unanswered"));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "well before the request timeout: a loaded machine gets room");
    }

    [Test]
    public async Task Multipart_replies_are_gathered_until_the_last(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var dump = connection.DumpFlowsAsync(cancellationToken: cancellationToken);
        var request = await _switch.ReceiveAsync(OpenFlowMessageType.MultipartRequest, cancellationToken);
        var xid = FakeOpenFlowSwitch.Xid(request);

        await _switch.SendAsync(FlowStatsReply(xid, more: true, priority: 1));
        await _switch.SendAsync(FlowStatsReply(xid, more: true, priority: 2));
        await _switch.SendAsync(FlowStatsReply(xid, more: false, priority: 3));

        Assert.That((await dump).Select(e => e.Flow.Priority), Is.EqualTo(new ushort[] { 1, 2, 3 }));
    }

    [Test]
    public async Task Unsolicited_messages_go_to_the_async_channel(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);

        await _switch.SendAsync(WireBuilder.Message(_switch.Version, OpenFlowMessageType.PacketIn, 0).U32(OpenFlowBuffer.None).U16(4)
            .U8(0).U8(0).U64(ulong.MaxValue).InPortMatch(3).Zeros(2).Bytes(1, 2, 3, 4).Build());
        await _switch.SendAsync(WireBuilder.Message(_switch.Version, OpenFlowMessageType.Error, 0xdead).U16(1).U16(1).Build());
        await _switch.SendAsync(WireBuilder.Message(_switch.Version, OpenFlowMessageType.PortStatus, 0).Zeros(8).Build());

        var packetIn = await connection.AsyncMessages.ReadAsync(cancellationToken);
        var error = await connection.AsyncMessages.ReadAsync(cancellationToken);
        var portStatus = await connection.AsyncMessages.ReadAsync(cancellationToken);
        Assert.That(packetIn.PacketIn!.InPort, Is.EqualTo(3u));
        Assert.That(error.Error!.CodeName, Is.EqualTo("OFPBRC_BAD_TYPE"));
        Assert.That(portStatus.Header.Type, Is.EqualTo(OpenFlowMessageType.PortStatus));
    }

    [Test]
    public async Task A_refused_bundle_add_discards_the_bundle_and_names_the_flow_mod(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var flows = OpenFlowSamples.Table(5);
        var applying = connection.ApplyBundleAsync(flows, cancellationToken);

        var open = await _switch.ReceiveAsync(OpenFlowMessageType.BundleControl, cancellationToken);
        await _switch.SendAsync(BundleReply(open, BundleControlType.OpenReply));
        var adds = new List<byte[]>();
        byte[] barrier;
        while (true)
        {
            var message = await _switch.ReceiveAsync(cancellationToken);
            if (message[1] == (byte)OpenFlowMessageType.BarrierRequest)
            {
                barrier = message;
                break;
            }

            adds.Add(message);
        }

        await _switch.SendAsync(WireBuilder.Message(_switch.Version, OpenFlowMessageType.Error, FakeOpenFlowSwitch.Xid(adds[3]))
            .U16(4).U16(9).Bytes(adds[3][16..80]).Build());
        await _switch.SendAsync(WireBuilder.Message(_switch.Version, OpenFlowMessageType.BarrierReply, FakeOpenFlowSwitch.Xid(barrier)).Build());
        var discard = await _switch.ReceiveAsync(OpenFlowMessageType.BundleControl, cancellationToken);
        await _switch.SendAsync(BundleReply(discard, BundleControlType.DiscardReply));

        var e = Assert.ThrowsAsync<OpenFlowBundleException>(() => applying)!;
        Assert.That(adds.Select(a => new OpenFlowReader(a).ReadBundleAdd().FlowMod), Is.EqualTo(flows));
        Assert.That(new OpenFlowReader(discard).ReadBundleControl().Type, Is.EqualTo(BundleControlType.DiscardRequest));
        Assert.That(e.FlowModIndex, Is.EqualTo(3));
        Assert.That(e.FlowMod, Is.EqualTo(flows[3]));
        Assert.That(e.Error.CodeName, Is.EqualTo("OFPBMC_BAD_PREREQ"));
        Assert.That(e.Message, Does.Contain("flow mod #3 of bundle").And.Contain("ip_proto=17,ipv4_dst=10.0.0.5,udp_dst=53")
            .And.Contain("OFPBMC_BAD_PREREQ").And.Contain("the bundle was discarded, the tables are unchanged"));
    }

    [Test]
    public async Task A_refused_commit_blames_the_flow_mod_the_switch_named(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var flows = OpenFlowSamples.Table(6);
        var applying = connection.ApplyBundleAsync(flows, cancellationToken);

        await _switch.SendAsync(BundleReply(await _switch.ReceiveAsync(OpenFlowMessageType.BundleControl, cancellationToken), BundleControlType.OpenReply));
        var barrier = await _switch.ReceiveAsync(OpenFlowMessageType.BarrierRequest, cancellationToken);
        await _switch.SendAsync(WireBuilder.Message(_switch.Version, OpenFlowMessageType.BarrierReply, FakeOpenFlowSwitch.Xid(barrier)).Build());
        var commit = await _switch.ReceiveAsync(OpenFlowMessageType.BundleControl, cancellationToken);
        var firstAddXid = FakeOpenFlowSwitch.Xid(barrier) - (uint)flows.Count;
        await _switch.SendAsync(WireBuilder.Message(_switch.Version, OpenFlowMessageType.Error, firstAddXid + 5).U16(5).U16(1).Build());
        await _switch.SendAsync(WireBuilder.Message(_switch.Version, OpenFlowMessageType.Error, FakeOpenFlowSwitch.Xid(commit)).U16(17).U16(13).Build());

        var e = Assert.ThrowsAsync<OpenFlowBundleException>(() => applying)!;
        Assert.That(new OpenFlowReader(commit).ReadBundleControl().Type, Is.EqualTo(BundleControlType.CommitRequest));
        Assert.That(e.FlowModIndex, Is.EqualTo(5));
        Assert.That(e.Error.CodeName, Is.EqualTo("OFPFMFC_TABLE_FULL"));
        Assert.That(e.Message, Does.Contain("the switch rolled the commit back"));
    }

    [Test]
    public async Task Bundles_on_a_13_connection_are_refused_before_anything_is_sent(CancellationToken cancellationToken)
    {
        var connecting = OpenFlowConnection.ConnectUnixAsync(_switch.SocketPath, Options, cancellationToken);
        await _switch.HandshakeAsync(FakeOpenFlowSwitch.Hello(4, 0b1_0000), cancellationToken);
        await using var connection = await connecting;

        var e = Assert.ThrowsAsync<OpenFlowException>(() => connection.ApplyBundleAsync(OpenFlowSamples.Table(1), cancellationToken))!;

        Assert.That(e.Failure, Is.EqualTo(OpenFlowFailure.Unsupported));
        Assert.That(e.Message, Does.Contain("MinVersion = OpenFlow14"));
    }

    private async Task<OpenFlowConnection> ConnectAsync(CancellationToken cancellationToken, OpenFlowConnectionOptions? options = null)
    {
        var connecting = OpenFlowConnection.ConnectUnixAsync(_switch.SocketPath, options ?? Options, cancellationToken);
        await _switch.HandshakeAsync(FakeOpenFlowSwitch.Hello(5, 0b11_0000), cancellationToken);
        return await connecting;
    }

    private byte[] BundleReply(byte[] request, BundleControlType type)
    {
        var control = new OpenFlowReader(request).ReadBundleControl();
        return WireBuilder.Message(_switch.Version, OpenFlowMessageType.BundleControl, FakeOpenFlowSwitch.Xid(request))
            .U32(control.BundleId).U16((ushort)type).U16((ushort)control.Flags).Build();
    }

    private byte[] FlowStatsReply(uint xid, bool more, ushort priority) =>
        WireBuilder.Message(_switch.Version, OpenFlowMessageType.MultipartReply, xid).U16(1).U16(more ? (ushort)1 : (ushort)0).Zeros(4)
            .U16(56).U8(0).U8(0).U32(0).U32(0).U16(priority).U16(0).U16(0).U16(0).Zeros(4).U64(0).U64(0).U64(0)
            .U16(1).U16(4).Zeros(4).Build();
}
