using AlSafe.Interop.OpenFlow;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>Byte-level conformance without a switch: every message the codec encodes must decode in Open vSwitch's
/// own ofp-print to the text ovs-ofctl would show for the same flow.</summary>
[TestFixture]
public sealed class OpenFlowConformanceTests
{
    private OpenFlowWriter _writer = null!;

    [SetUp]
    public void SetUp() => _writer = new OpenFlowWriter();

    [TearDown]
    public void TearDown() => _writer.Dispose();

    [Test]
    public void Hello_offers_the_version_range_as_a_bitmap()
    {
        _writer.WriteHello(1, OpenFlowVersion.OpenFlow13, OpenFlowVersion.OpenFlow15);

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain("OFPT_HELLO (OF1.5) (xid=0x1)").And.Contain("version bitmap: 0x04, 0x05, 0x06"));
    }

    [TestCaseSource(typeof(OpenFlowSamples), nameof(OpenFlowSamples.Versions))]
    public void A_rich_flow_mod_decodes_with_conntrack_ipv6_and_masked_ports(OpenFlowVersion version)
    {
        _writer.WriteFlowMod(version, 0x10, OpenFlowSamples.RichFlow());

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain($"OFPT_FLOW_MOD (OF1.{(int)version - 1}) (xid=0x10): ADD table:1 priority=100,"));
        Assert.That(text, Does.Contain("ct_state=+new-est+trk,ct_zone=5,tcp6,in_port=1,ipv6_src=fd00::/64,ipv6_dst=fd00::10,tp_dst=0x50/0xfff0"));
        Assert.That(text, Does.Contain("cookie:0xa15afe01 actions=ct(commit,table=3,zone=7),goto_table:4"));
    }

    [Test]
    public void The_firewall_table_decodes_flow_by_flow()
    {
        var expected = new[]
        {
            "ADD priority=100,ct_state=-trk,ip cookie:0xc0 actions=ct(table=1,zone=12)",
            "ADD priority=90,arp,arp_tpa=10.0.0.0/24,arp_op=1,arp_sha=52:54:00:12:34:56 cookie:0xc0 actions=NORMAL",
            "ADD table:1 priority=200,ct_state=-new+est-inv+trk,ct_zone=12,ip cookie:0xc0 actions=NORMAL",
            "ADD table:1 priority=150,ct_state=+new+trk,ct_zone=12,udp,nw_dst=10.0.0.5,tp_dst=53 cookie:0xc0 idle:300 actions=ct(commit,zone=12),NORMAL",
            "ADD table:1 priority=150,ct_state=+new+trk,ct_zone=12,tcp,nw_src=192.168.0.0/16,tp_dst=0x1f90/0xfffc cookie:0xc0 actions=ct(commit,zone=12),goto_table:2",
            "ADD table:1 priority=150,icmp6,icmp_type=135,nd_target=fe80::1 cookie:0xc0 actions=NORMAL,CONTROLLER:128",
            "ADD table:1 priority=0 cookie:0xc0 actions=drop",
            "ADD table:2 priority=10 cookie:0xc0 actions=resubmit(,3),write_actions(output:7)",
        };
        var table = OpenFlowSamples.Table(0xc0);

        for (var i = 0; i < table.Count; i++)
        {
            _writer.Clear();
            _writer.WriteFlowMod(OpenFlowVersion.OpenFlow14, (uint)i, table[i]);
            Assert.That(OfpPrint.Decode(_writer.WrittenSpan), Does.Contain(expected[i]), $"flow {i}: {table[i]}");
        }
    }

    [Test]
    public void Delete_by_cookie_targets_every_table_and_the_exact_cookie()
    {
        _writer.WriteFlowMod(OpenFlowVersion.OpenFlow14, 2, FlowMod.DeleteByCookie(0xa15afe01));

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain("OFPT_FLOW_MOD (OF1.4) (xid=0x2): DEL table:255 cookie:0xa15afe01/0xffffffffffffffff"));
    }

    [Test]
    public void Delete_strict_and_modify_strict_carry_their_command()
    {
        var flow = OpenFlowSamples.RichFlow();
        _writer.WriteFlowMod(OpenFlowVersion.OpenFlow14, 3, flow with { Command = FlowModCommand.DeleteStrict });
        Assert.That(OfpPrint.Decode(_writer.WrittenSpan), Does.Contain("DEL_STRICT table:1 priority=100,"));

        _writer.Clear();
        _writer.WriteFlowMod(OpenFlowVersion.OpenFlow14, 4, flow with { Command = FlowModCommand.ModifyStrict, Flags = FlowModFlags.ResetCounts });
        Assert.That(OfpPrint.Decode(_writer.WrittenSpan), Does.Contain("MOD_STRICT table:1 priority=100,").And.Contain("reset_counts"));
    }

    [Test]
    public void Flow_mod_flags_and_timeouts_are_where_ovs_reads_them()
    {
        _writer.WriteFlowMod(OpenFlowVersion.OpenFlow14, 5, OpenFlowSamples.RichFlow() with
        {
            IdleTimeout = 30, HardTimeout = 600, Importance = 7,
            Flags = FlowModFlags.SendFlowRemoved | FlowModFlags.CheckOverlap,
        });

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain("idle:30 hard:600").And.Contain("importance:7").And.Contain("send_flow_rem check_overlap"));
    }

    [Test]
    public void Bundle_control_messages_decode_with_their_type_and_flags(
        [Values(BundleControlType.OpenRequest, BundleControlType.CommitRequest, BundleControlType.DiscardRequest, BundleControlType.CloseRequest)]
        BundleControlType type)
    {
        _writer.WriteBundleControl(OpenFlowVersion.OpenFlow14, 3, new BundleControlMessage(7, type, BundleFlags.Atomic | BundleFlags.Ordered));

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        var name = type switch
        {
            BundleControlType.OpenRequest => "OPEN_REQUEST",
            BundleControlType.CommitRequest => "COMMIT_REQUEST",
            BundleControlType.DiscardRequest => "DISCARD_REQUEST",
            _ => "CLOSE_REQUEST",
        };
        Assert.That(text, Does.Contain("OFPT_BUNDLE_CONTROL (OF1.4) (xid=0x3)").And.Contain($"bundle_id=0x7 type={name} flags=atomic ordered"));
    }

    [TestCase(OpenFlowVersion.OpenFlow14)]
    [TestCase(OpenFlowVersion.OpenFlow15)]
    public void Bundle_add_wraps_the_flow_mod_with_the_same_xid(OpenFlowVersion version)
    {
        _writer.WriteBundleAddFlowMod(version, 0x44, 7, BundleFlags.Atomic | BundleFlags.Ordered, OpenFlowSamples.RichFlow());

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain($"OFPT_BUNDLE_ADD_MESSAGE (OF1.{(int)version - 1}) (xid=0x44)").And.Contain("bundle_id=0x7 flags=atomic ordered"));
        Assert.That(text, Does.Contain($"OFPT_FLOW_MOD (OF1.{(int)version - 1}) (xid=0x44): ADD table:1 priority=100"));
    }

    [TestCaseSource(typeof(OpenFlowSamples), nameof(OpenFlowSamples.Versions))]
    public void Packet_out_decodes_in_each_versions_layout(OpenFlowVersion version)
    {
        var frame = new byte[60];
        frame[12] = 0x08;
        _writer.WritePacketOut(version, 5, new PacketOut
        {
            InPort = OpenFlowPort.Controller,
            Actions = [OutputAction.ToController(), OutputAction.Normal, new ResubmitAction(2)],
            Data = frame,
        });

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain($"OFPT_PACKET_OUT (OF1.{(int)version - 1}) (xid=0x5): in_port=CONTROLLER " +
                                       "actions=CONTROLLER:65535,NORMAL,resubmit(,2) data_len=60"));
    }

    [Test]
    public void Set_async_in_the_13_mask_form()
    {
        _writer.WriteSetAsync(OpenFlowVersion.OpenFlow13, 6, new AsyncConfig
        {
            PacketIn = new AsyncMasks(0b111, 0), PortStatus = AsyncMasks.None, FlowRemoved = new AsyncMasks(0b100, 0b1),
        });

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain("OFPT_SET_ASYNC (OF1.3) (xid=0x6)"));
        Assert.That(Normalize(text), Does.Contain("primary: PACKET_IN: no_match action invalid_ttl PORT_STATUS: (off) FLOW_REMOVED: delete"));
        Assert.That(Normalize(text), Does.Contain("secondary: PACKET_IN: (off) PORT_STATUS: (off) FLOW_REMOVED: idle"));
    }

    [TestCase(OpenFlowVersion.OpenFlow14)]
    [TestCase(OpenFlowVersion.OpenFlow15)]
    public void Set_async_in_the_14_property_form(OpenFlowVersion version)
    {
        _writer.WriteSetAsync(version, 6, new AsyncConfig
        {
            PacketIn = new AsyncMasks(1 << (int)PacketInReason.PacketOut | 1 << (int)PacketInReason.ApplyAction, 0),
            RoleStatus = new AsyncMasks(1, 1),
        });

        var text = Normalize(OfpPrint.Decode(_writer.WrittenSpan));

        Assert.That(text, Does.Contain("primary: PACKET_IN: action packet_out PORT_STATUS: (off) FLOW_REMOVED: (off) ROLE_STATUS: primary_request"));
        Assert.That(text, Does.Contain("secondary: PACKET_IN: (off) PORT_STATUS: (off) FLOW_REMOVED: (off) ROLE_STATUS: primary_request"));
    }

    [TestCaseSource(typeof(OpenFlowSamples), nameof(OpenFlowSamples.Versions))]
    public void Flow_stats_request_decodes_with_its_filter(OpenFlowVersion version)
    {
        _writer.WriteFlowStatsRequest(version, 8, new FlowStatsRequest { TableId = 2, OutPort = 3, Match = new OxmMatch([OxmField.CtZone(3)]) });

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain($"OFPST_FLOW request (OF1.{(int)version - 1}) (xid=0x8):").And.Contain("table=2").And.Contain("out_port=3")
            .And.Contain("ct_zone=3"));
    }

    [Test]
    public void Echo_barrier_features_and_get_async_requests_decode()
    {
        _writer.WriteEchoRequest(OpenFlowVersion.OpenFlow14, 9, [1, 2, 3]);
        Assert.That(OfpPrint.Decode(_writer.WrittenSpan), Does.Contain("OFPT_ECHO_REQUEST (OF1.4) (xid=0x9): 3 bytes of payload"));

        _writer.Clear();
        _writer.WriteEchoReply(OpenFlowVersion.OpenFlow14, 9, [1, 2, 3]);
        Assert.That(OfpPrint.Decode(_writer.WrittenSpan), Does.Contain("OFPT_ECHO_REPLY (OF1.4) (xid=0x9): 3 bytes of payload"));

        _writer.Clear();
        _writer.WriteBarrierRequest(OpenFlowVersion.OpenFlow15, 10);
        Assert.That(OfpPrint.Decode(_writer.WrittenSpan), Does.Contain("OFPT_BARRIER_REQUEST (OF1.5) (xid=0xa)"));

        _writer.Clear();
        _writer.WriteFeaturesRequest(OpenFlowVersion.OpenFlow13, 11);
        Assert.That(OfpPrint.Decode(_writer.WrittenSpan), Does.Contain("OFPT_FEATURES_REQUEST (OF1.3) (xid=0xb)"));

        _writer.Clear();
        _writer.WriteGetAsyncRequest(OpenFlowVersion.OpenFlow14, 12);
        Assert.That(OfpPrint.Decode(_writer.WrittenSpan), Does.Contain("OFPT_GET_ASYNC_REQUEST (OF1.4) (xid=0xc)"));
    }

    [Test]
    public void Hello_failed_carries_its_explanation()
    {
        _writer.WriteHelloFailed(1, 13, "AL-SAFE needs OpenFlow 1.3 or later");

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain("OFPT_ERROR (xid=0xd): OFPHFC_INCOMPATIBLE").And.Contain("AL-SAFE needs OpenFlow 1.3 or later"));
    }

    [Test]
    public void Set_field_of_ct_mark_inside_ct_commit_decodes()
    {
        var flow = new FlowMod
        {
            Match = new OxmMatch([OxmField.EthType(0x0800), OxmField.CtState(CtStateFlags.Tracked | CtStateFlags.New), OxmField.CtMark(1, 0xff)]),
            Instructions = [new ApplyActionsInstruction([new ConntrackAction
            {
                Flags = ConntrackFlags.Commit | ConntrackFlags.Force, Zone = 9,
                Actions = [new SetFieldAction(new AlSafe.Interop.OpenFlow.OxmField(OxmClass.Nxm1, 107, [0, 0, 0, 2]))],
            }])],
        };
        _writer.WriteFlowMod(OpenFlowVersion.OpenFlow14, 14, flow);

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain("ct_state=+new+trk,ct_mark=0x1/0xff,ip").And.Contain("actions=ct(commit,force,zone=9,exec(set_field:0x2->ct_mark))"));
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
