using System.Diagnostics;
using System.Text.RegularExpressions;
using AlSafe.Interop.OpenFlow;
using AlSafe.TestSupport.Ovs;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>Against a real ovs-vswitchd (userspace datapath, private directory): what the switch accepts, keeps,
/// refuses and reports, checked both through the client and through ovs-ofctl.</summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(60_000)]
public sealed partial class OpenFlowSwitchTests
{
    private OvsInstance _ovs = null!;

    [OneTimeSetUp]
    public async Task StartSwitch()
    {
        if (!OvsInstance.IsInstalled())
        {
            Assert.Ignore("Open vSwitch is not installed (Debian package openvswitch-switch)");
        }

        _ovs = await OvsInstance.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopSwitch()
    {
        if (_ovs is not null)
        {
            await _ovs.DisposeAsync();
        }
    }

    [SetUp]
    public async Task ClearTable() => await _ovs.OfctlAsync("del-flows");

    [TestCase(OpenFlowVersion.OpenFlow13)]
    [TestCase(OpenFlowVersion.OpenFlow14)]
    [TestCase(OpenFlowVersion.OpenFlow15)]
    public async Task Connects_negotiates_reads_features_and_echoes(OpenFlowVersion max, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken, max);

        Assert.That(connection.Version, Is.EqualTo(max));
        Assert.That(connection.Features.TableCount, Is.EqualTo(254));
        Assert.That(connection.Features.Capabilities.HasFlag(SwitchCapabilities.FlowStats));
        Assert.That(await connection.EchoAsync(cancellationToken), Is.GreaterThan(TimeSpan.Zero));
        await connection.BarrierAsync(cancellationToken);
    }

    [Test]
    public async Task The_default_range_negotiates_15(CancellationToken cancellationToken)
    {
        await using var connection = await OpenFlowConnection.ConnectUnixAsync(_ovs.ManagementSocket, cancellationToken: cancellationToken);

        Assert.That(connection.Version, Is.EqualTo(OpenFlowVersion.OpenFlow15));
    }

    [TestCase(OpenFlowVersion.OpenFlow14)]
    [TestCase(OpenFlowVersion.OpenFlow15)]
    public async Task A_bundled_table_reads_back_equal_through_the_client_and_ovs_ofctl(OpenFlowVersion version, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken, version);
        var table = OpenFlowSamples.Table(0x5afe).Append(OpenFlowSamples.RichFlow()).ToList();

        await connection.ApplyBundleAsync(table, cancellationToken);
        var dumped = await connection.DumpFlowsAsync(cancellationToken: cancellationToken);
        var ofctl = await _ovs.OfctlAsync("dump-flows");

        Assert.That(dumped.Select(e => e.Flow), Is.EquivalentTo(table));
        Assert.That(dumped.All(e => e.Duration < TimeSpan.FromMinutes(1) && e.PacketCount == 0));
        Assert.That(FlowLines(ofctl), Has.Count.EqualTo(table.Count));
        Assert.That(ofctl, Does.Contain("cookie=0x5afe").And.Contain("priority=100,ct_state=-trk,ip actions=ct(table=1,zone=12)"));
        Assert.That(ofctl, Does.Contain("table=1, n_packets=0, n_bytes=0, priority=100,ct_state=+new-est+trk,ct_zone=5,tcp6,in_port=1," +
                                        "ipv6_src=fd00::/64,ipv6_dst=fd00::10,tp_dst=0x50/0xfff0 actions=ct(commit,table=3,zone=7),goto_table:4"));
        Assert.That(ofctl, Does.Contain("idle_timeout=300, priority=150,ct_state=+new+trk,ct_zone=12,udp,nw_dst=10.0.0.5,tp_dst=53 " +
                                        "actions=ct(commit,zone=12),NORMAL"));
        Assert.That(ofctl, Does.Contain("priority=150,icmp6,icmp_type=135,nd_target=fe80::1 actions=NORMAL,CONTROLLER:128"));
        Assert.That(ofctl, Does.Contain("table=2, n_packets=0, n_bytes=0, priority=10 actions=resubmit(,3),write_actions(output:7)"));
    }

    [Test]
    public async Task Flows_added_by_ovs_ofctl_read_back_as_the_model(CancellationToken cancellationToken)
    {
        await _ovs.OfctlAsync("add-flow", "table=3,priority=7,cookie=0x99,ct_state=+trk+est,ct_zone=4,tcp,nw_src=10.1.0.0/16,tp_src=1024/0xfc00," +
                                          "actions=ct(commit,zone=4,exec(set_field:0x5->ct_mark)),output:2");
        await using var connection = await ConnectAsync(cancellationToken);

        var flow = (await connection.DumpFlowsAsync(cancellationToken: cancellationToken)).Single().Flow;

        Assert.That(flow, Is.EqualTo(new FlowMod
        {
            TableId = 3, Priority = 7, Cookie = 0x99,
            Match = new OxmMatch([
                OxmField.CtState(CtStateFlags.Tracked | CtStateFlags.Established), OxmField.CtZone(4), OxmField.EthType(0x0800),
                OxmField.IpProto(6), OxmField.Ipv4Src(System.Net.IPAddress.Parse("10.1.0.0"), 16), OxmField.TcpSrc(1024, 0xfc00),
            ]),
            Instructions = [new ApplyActionsInstruction([
                new ConntrackAction { Flags = ConntrackFlags.Commit, Zone = 4, Actions = [new SetFieldAction(OxmField.CtMark(5))] },
                new OutputAction(2),
            ])],
        }), flow.ToString());
    }

    [Test]
    public async Task Delete_by_cookie_leaves_the_other_cookies(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await connection.ApplyBundleAsync([.. OpenFlowSamples.Table(0xa), .. OpenFlowSamples.Table(0xb).Select(f => f with { Priority = (ushort)(f.Priority + 1) })],
            cancellationToken);

        await connection.ApplyBundleAsync([FlowMod.DeleteByCookie(0xa)], cancellationToken);

        var left = await connection.DumpFlowsAsync(cancellationToken: cancellationToken);
        Assert.That(left, Has.Count.EqualTo(OpenFlowSamples.Table(0).Count));
        Assert.That(left.Select(e => e.Flow.Cookie).Distinct(), Is.EqualTo(new[] { 0xbUL }));
        Assert.That(await _ovs.OfctlAsync("dump-flows", "cookie=0xa/-1"), Does.Not.Contain("cookie=0xa"));
    }

    [Test]
    public async Task Dump_filters_by_table_and_cookie(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await connection.ApplyBundleAsync([.. OpenFlowSamples.Table(0xa), .. OpenFlowSamples.Table(0xb).Select(f => f with { Priority = (ushort)(f.Priority + 1) })],
            cancellationToken);

        var selected = await connection.DumpFlowsAsync(new FlowStatsRequest { TableId = 1, Cookie = 0xb, CookieMask = ulong.MaxValue }, cancellationToken);

        Assert.That(selected.Select(e => e.Flow),
            Is.EquivalentTo(OpenFlowSamples.Table(0xb).Where(f => f.TableId == 1).Select(f => f with { Priority = (ushort)(f.Priority + 1) })));
    }

    [Test]
    public async Task A_bundle_with_a_backwards_goto_fails_whole_with_the_flow_named(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var before = OpenFlowSamples.Table(0x1);
        await connection.ApplyBundleAsync(before, cancellationToken);
        var bundle = new List<FlowMod>(OpenFlowSamples.Table(0x2).Select(f => f with { Priority = (ushort)(f.Priority + 5) }));
        bundle.Insert(4, new FlowMod { TableId = 2, Priority = 1, Cookie = 0x2, Instructions = [new GotoTableInstruction(1)] });

        var e = Assert.ThrowsAsync<OpenFlowBundleException>(() => connection.ApplyBundleAsync(bundle, cancellationToken))!;

        Assert.That(e.FlowModIndex, Is.EqualTo(4));
        Assert.That(e.Error.CodeName, Is.EqualTo("OFPBIC_BAD_TABLE_ID"));
        Assert.That(e.Message, Does.Contain("flow mod #4").And.Contain("goto_table:1").And.Contain("tables are unchanged"));
        var after = await connection.DumpFlowsAsync(cancellationToken: cancellationToken);
        Assert.That(after.Select(f => f.Flow), Is.EquivalentTo(before));
        Assert.That(connection.IsConnected);
        await connection.ApplyBundleAsync(bundle.Where((_, i) => i != 4), cancellationToken);
        Assert.That(await connection.DumpFlowsAsync(cancellationToken: cancellationToken), Has.Count.EqualTo(before.Count * 2));
    }

    [Test]
    public async Task A_bundle_with_a_zone_from_a_bad_field_fails_whole(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        // ct(zone=NXM_NX_REG0[0..39]): 40 bits of a 32-bit register.
        var badZone = new FlowMod
        {
            Match = new OxmMatch([OxmField.EthType(0x0800)]),
            Instructions = [new ApplyActionsInstruction([new ConntrackAction { ZoneSource = 0x00010004, Zone = (0 << 6) | 39 }])],
        };

        var e = Assert.ThrowsAsync<OpenFlowBundleException>(() =>
            connection.ApplyBundleAsync([.. OpenFlowSamples.Table(0x3), badZone], cancellationToken))!;

        Assert.That(e.FlowModIndex, Is.EqualTo(OpenFlowSamples.Table(0).Count));
        Assert.That(e.Error.ToString(), Does.StartWith("OFPET_"));
        Assert.That(await connection.DumpFlowsAsync(cancellationToken: cancellationToken), Is.Empty);
    }

    [Test]
    public async Task Non_atomic_flow_mods_report_the_refused_one(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken, OpenFlowVersion.OpenFlow13);
        var flows = OpenFlowSamples.Table(0x4).ToList();
        flows.Insert(2, new FlowMod { TableId = 5, Instructions = [new GotoTableInstruction(5)] });

        var e = Assert.ThrowsAsync<OpenFlowErrorException>(() => connection.SendFlowModsAsync(flows, cancellationToken))!;

        Assert.That(e.Message, Does.Contain("flow mod #2 of").And.Contain("OFPBIC_BAD_TABLE_ID").And.Contain("the others were applied"));
        Assert.That(await connection.DumpFlowsAsync(cancellationToken: cancellationToken), Has.Count.EqualTo(flows.Count - 1));
    }

    [Test]
    public async Task Packet_out_to_the_controller_comes_back_as_a_packet_in(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var all = new AsyncMasks(0x3f, 0x3f);
        await connection.SetAsyncConfigAsync(new AsyncConfig { PacketIn = all }, cancellationToken);
        var frame = new byte[64];
        "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x88\xb5"u8.ToArray().CopyTo(frame, 0);

        await connection.SendPacketOutAsync(new PacketOut { Actions = [OutputAction.ToController()], Data = frame }, cancellationToken);

        var message = await connection.AsyncMessages.ReadAsync(cancellationToken);
        Assert.That(message.PacketIn, Is.Not.Null);
        Assert.That(message.PacketIn!.Reason, Is.EqualTo(PacketInReason.PacketOut));
        Assert.That(message.PacketIn.InPort, Is.EqualTo(OpenFlowPort.Controller));
        Assert.That(message.PacketIn.Data.ToArray(), Is.EqualTo(frame));
        Assert.That((await connection.GetAsyncConfigAsync(cancellationToken)).PacketIn, Is.EqualTo(all));
    }

    [TestCase(OpenFlowVersion.OpenFlow13)]
    [TestCase(OpenFlowVersion.OpenFlow15)]
    public async Task Async_config_reads_back_as_set(OpenFlowVersion version, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken, version);
        var config = new AsyncConfig { PacketIn = new AsyncMasks(0b11, 0), PortStatus = new AsyncMasks(0b101, 0b1), FlowRemoved = new AsyncMasks(0b1, 0) };

        await connection.SetAsyncConfigAsync(config, cancellationToken);
        var read = await connection.GetAsyncConfigAsync(cancellationToken);

        Assert.That((read.PacketIn, read.PortStatus, read.FlowRemoved), Is.EqualTo((config.PacketIn, config.PortStatus, config.FlowRemoved)));
    }

    [Test]
    public async Task A_thousand_flows_apply_in_one_bundle_and_read_back(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        var flows = Enumerable.Range(0, 1000).Select(i => new FlowMod
        {
            TableId = 1, Priority = 100, Cookie = 0x77,
            Match = new OxmMatch([OxmField.EthType(0x0800), OxmField.IpProto(6), OxmField.TcpDst((ushort)(1000 + i)),
                OxmField.CtState(CtStateFlags.Tracked | CtStateFlags.New), OxmField.CtZone(3)]),
            Instructions = [new ApplyActionsInstruction([new ConntrackAction { Flags = ConntrackFlags.Commit, Zone = 3 }, OutputAction.Normal])],
        }).ToList();
        var watch = Stopwatch.StartNew();

        await connection.ApplyBundleAsync(flows, cancellationToken);
        var applied = watch.Elapsed;
        var dumped = await connection.DumpFlowsAsync(cancellationToken: cancellationToken);

        TestContext.Out.WriteLine($"1000 flows: bundle {applied.TotalMilliseconds:0.0} ms, dump {(watch.Elapsed - applied).TotalMilliseconds:0.0} ms");
        Assert.That(dumped.Select(e => e.Flow), Is.EquivalentTo(flows));
    }

    [Test]
    public async Task A_killed_switch_fails_pending_requests_promptly(CancellationToken cancellationToken)
    {
        await using var ovs = await OvsInstance.StartAsync("br-k", cancellationToken);
        await using var connection = await OpenFlowConnection.ConnectUnixAsync(ovs.ManagementSocket,
            new OpenFlowConnectionOptions { RequestTimeout = TimeSpan.FromSeconds(30) }, cancellationToken);
        ovs.SuspendSwitch();
        var pending = connection.DumpFlowsAsync(cancellationToken: cancellationToken);
        var watch = Stopwatch.StartNew();

        ovs.KillSwitch();

        var e = Assert.ThrowsAsync<OpenFlowException>(() => pending)!;
        Assert.That(e.Failure, Is.EqualTo(OpenFlowFailure.ConnectionLost));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "well before the request timeout: a loaded machine gets room");
    }

    [Test]
    public async Task A_frozen_switch_is_declared_dead_by_the_keepalive(CancellationToken cancellationToken)
    {
        await using var ovs = await OvsInstance.StartAsync("br-f", cancellationToken);
        await using var connection = await OpenFlowConnection.ConnectUnixAsync(ovs.ManagementSocket, new OpenFlowConnectionOptions
        {
            RequestTimeout = TimeSpan.FromSeconds(30), EchoInterval = TimeSpan.FromMilliseconds(200), MissedEchoLimit = 2,
        }, cancellationToken);
        await connection.BarrierAsync(cancellationToken);
        ovs.SuspendSwitch();
        var watch = Stopwatch.StartNew();
        try
        {
            var e = Assert.ThrowsAsync<OpenFlowException>(() => connection.DumpFlowsAsync(cancellationToken: cancellationToken))!;

            Assert.That(e.Failure, Is.EqualTo(OpenFlowFailure.ConnectionLost));
            Assert.That(e.Message, Does.Contain("declared dead"));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "well before the request timeout: a loaded machine gets room");
        }
        finally
        {
            ovs.ResumeSwitch();
        }
    }

    private Task<OpenFlowConnection> ConnectAsync(CancellationToken cancellationToken, OpenFlowVersion max = OpenFlowVersion.OpenFlow14) =>
        OpenFlowConnection.ConnectUnixAsync(_ovs.ManagementSocket, new OpenFlowConnectionOptions
        {
            MinVersion = OpenFlowVersion.OpenFlow13, MaxVersion = max, RequestTimeout = TimeSpan.FromSeconds(10),
        }, cancellationToken);

    private static List<string> FlowLines(string dump) => [.. dump.Split('\n').Where(l => FlowLine().IsMatch(l))];

    [GeneratedRegex(@"^\s*cookie=")]
    private static partial Regex FlowLine();
}
