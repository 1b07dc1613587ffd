using AlSafe.Interop.OpenFlow;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>Messages only a switch sends (features, packet-in, flow statistics, errors), built by hand from the
/// spec's layouts.</summary>
[TestFixture]
public sealed class OpenFlowDecodingTests
{
    [Test]
    public void Features_reply_decodes()
    {
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.FeaturesReply, 7)
            .U64(0x0000_5254_0012_3456).U32(0).U8(254).U8(0).Zeros(2).U32(0x4f).U32(0).Build();

        var features = new OpenFlowReader(message).ReadFeaturesReply();

        Assert.That(features, Is.EqualTo(new SwitchFeatures(0x5254_0012_3456, 0, 254, 0,
            SwitchCapabilities.FlowStats | SwitchCapabilities.TableStats | SwitchCapabilities.PortStats | SwitchCapabilities.GroupStats |
            SwitchCapabilities.QueueStats)));
    }

    [Test]
    public void Packet_in_decodes_with_its_match_and_data()
    {
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.PacketIn, 0)
            .U32(OpenFlowBuffer.None).U16(60).U8((byte)PacketInReason.PacketOut).U8(3).U64(0xabc).InPortMatch(5).Zeros(2)
            .Bytes([0xde, 0xad, 0xbe, 0xef]).Build();

        var packetIn = new OpenFlowReader(message).ReadPacketIn();

        Assert.That(packetIn.Reason, Is.EqualTo(PacketInReason.PacketOut));
        Assert.That(packetIn.TableId, Is.EqualTo(3));
        Assert.That(packetIn.Cookie, Is.EqualTo(0xabcUL));
        Assert.That(packetIn.TotalLength, Is.EqualTo(60));
        Assert.That(packetIn.InPort, Is.EqualTo(5u));
        Assert.That(packetIn.Data.ToArray(), Is.EqualTo(new byte[] { 0xde, 0xad, 0xbe, 0xef }));
    }

    [Test]
    public void Flow_stats_reply_of_13_and_14_decodes_into_flow_mods()
    {
        foreach (var version in new[] { OpenFlowVersion.OpenFlow13, OpenFlowVersion.OpenFlow14 })
        {
            var message = WireBuilder.Message(version, OpenFlowMessageType.MultipartReply, 9).U16(1).U16(1).Zeros(4)
                .U16(96).U8(2).U8(0).U32(12).U32(500_000_000).U16(100).U16(30).U16(0).U16(1).U16(5).Zeros(2)
                .U64(0xc0).U64(17).U64(1700).InPortMatch(4)
                .U16(1).U16(8).U8(3).Zeros(3)
                .U16(4).U16(24).Zeros(4).U16(0).U16(16).U32(OpenFlowPort.Normal).U16(0).Zeros(6).Build();
            var entries = new List<FlowStatsEntry>();

            var more = new OpenFlowReader(message).ReadFlowStatsReply(entries);

            Assert.That(more, Is.True);
            var entry = entries.Single();
            Assert.That(entry.Duration, Is.EqualTo(TimeSpan.FromSeconds(12.5)));
            Assert.That((entry.PacketCount, entry.ByteCount), Is.EqualTo((17UL, 1700UL)));
            Assert.That(entry.Flow, Is.EqualTo(new FlowMod
            {
                TableId = 2, Priority = 100, IdleTimeout = 30, Flags = FlowModFlags.SendFlowRemoved, Cookie = 0xc0,
                Importance = version == OpenFlowVersion.OpenFlow14 ? (ushort)5 : (ushort)0,
                Match = new OxmMatch([OxmField.InPort(4)]),
                Instructions = [new GotoTableInstruction(3), new ApplyActionsInstruction([OutputAction.Normal])],
            }));
        }
    }

    [Test]
    public void Flow_desc_reply_of_15_reads_its_counters_from_oxs()
    {
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow15, OpenFlowMessageType.MultipartReply, 9).U16(1).U16(0).Zeros(4)
            .U16(88).Zeros(2).U8(1).U8(0).U16(7).U16(0).U16(60).U16(0).U16(0).U64(0x5)
            .InPortMatch(2)
            .U16(0).U16(40).U32(0x80020008).U32(3).U32(250_000_000).U32(0x80020808).U64(9).U32(0x80020a08).U64(900)
            .U16(1).U16(8).U8(4).Zeros(3).Build();
        var entries = new List<FlowStatsEntry>();

        var more = new OpenFlowReader(message).ReadFlowStatsReply(entries);

        Assert.That(more, Is.False);
        var entry = entries.Single();
        Assert.That(entry.Duration, Is.EqualTo(TimeSpan.FromSeconds(3.25)));
        Assert.That((entry.PacketCount, entry.ByteCount), Is.EqualTo((9UL, 900UL)));
        Assert.That(entry.Flow, Is.EqualTo(new FlowMod
        {
            TableId = 1, Priority = 7, HardTimeout = 60, Cookie = 5, Match = new OxmMatch([OxmField.InPort(2)]),
            Instructions = [new GotoTableInstruction(4)],
        }));
    }

    [Test]
    public void Standard_errors_read_as_names_with_the_refused_request()
    {
        var request = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.FlowMod, 0x1f).Zeros(56).Build();
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.Error, 0x1f).U16(3).U16(2).Bytes(request).Build();

        var error = new OpenFlowReader(message).ReadError();

        Assert.That((error.Type, error.Code, error.Xid), Is.EqualTo((OpenFlowErrorType.BadInstruction, (ushort)2, 0x1fu)));
        Assert.That(error.CodeName, Is.EqualTo("OFPBIC_BAD_TABLE_ID"));
        Assert.That(error.Request, Is.EqualTo(new OpenFlowHeader(5, OpenFlowMessageType.FlowMod, 64, 0x1f)));
        Assert.That(error.ToString(), Does.StartWith("OFPET_BAD_INSTRUCTION/OFPBIC_BAD_TABLE_ID (type 3, code 2) for OFPT_FLOW_MOD xid 0x1f, " +
                                                     "request begins 050e0040"));
    }

    [TestCase(OpenFlowErrorType.HelloFailed, 0, "OFPET_HELLO_FAILED/OFPHFC_INCOMPATIBLE")]
    [TestCase(OpenFlowErrorType.BadRequest, 13, "OFPET_BAD_REQUEST/OFPBRC_MULTIPART_BUFFER_OVERFLOW")]
    [TestCase(OpenFlowErrorType.BadAction, 4, "OFPET_BAD_ACTION/OFPBAC_BAD_OUT_PORT")]
    [TestCase(OpenFlowErrorType.BadMatch, 9, "OFPET_BAD_MATCH/OFPBMC_BAD_PREREQ")]
    [TestCase(OpenFlowErrorType.FlowModFailed, 3, "OFPET_FLOW_MOD_FAILED/OFPFMFC_OVERLAP")]
    [TestCase(OpenFlowErrorType.GroupModFailed, 8, "OFPET_GROUP_MOD_FAILED/OFPGMFC_UNKNOWN_GROUP")]
    [TestCase(OpenFlowErrorType.PortModFailed, 1, "OFPET_PORT_MOD_FAILED/OFPPMFC_BAD_HW_ADDR")]
    [TestCase(OpenFlowErrorType.TableModFailed, 0, "OFPET_TABLE_MOD_FAILED/OFPTMFC_BAD_TABLE")]
    [TestCase(OpenFlowErrorType.QueueOpFailed, 1, "OFPET_QUEUE_OP_FAILED/OFPQOFC_BAD_QUEUE")]
    [TestCase(OpenFlowErrorType.SwitchConfigFailed, 0, "OFPET_SWITCH_CONFIG_FAILED/OFPSCFC_BAD_FLAGS")]
    [TestCase(OpenFlowErrorType.RoleRequestFailed, 0, "OFPET_ROLE_REQUEST_FAILED/OFPRRFC_STALE")]
    [TestCase(OpenFlowErrorType.MeterModFailed, 6, "OFPET_METER_MOD_FAILED/OFPMMFC_BAD_RATE")]
    [TestCase(OpenFlowErrorType.TableFeaturesFailed, 5, "OFPET_TABLE_FEATURES_FAILED/OFPTFFC_EPERM")]
    [TestCase(OpenFlowErrorType.BadProperty, 4, "OFPET_BAD_PROPERTY/OFPBPC_DUP_TYPE")]
    [TestCase(OpenFlowErrorType.AsyncConfigFailed, 1, "OFPET_ASYNC_CONFIG_FAILED/OFPACFC_UNSUPPORTED")]
    [TestCase(OpenFlowErrorType.FlowMonitorFailed, 7, "OFPET_FLOW_MONITOR_FAILED/OFPMOFC_BAD_OUT")]
    [TestCase(OpenFlowErrorType.BundleFailed, 13, "OFPET_BUNDLE_FAILED/OFPBFC_MSG_FAILED")]
    [TestCase(OpenFlowErrorType.BundleFailed, 99, "OFPET_BUNDLE_FAILED/OFPBFC_99")]
    [TestCase((OpenFlowErrorType)40, 1, "OFPET_40/code 1")]
    public void Every_standard_error_type_has_names(OpenFlowErrorType type, int code, string expected)
    {
        var error = new OpenFlowError(1, type, (ushort)code, 0, []);

        Assert.That(error.ToString(), Does.StartWith(expected + " ("));
    }

    [TestCase(0x00002320u, 4, "OFPET_EXPERIMENTER/NXBRC_MUST_BE_ZERO (type 65535, code 4, experimenter 0x00002320)")]
    [TestCase(0x00002320u, 11, "OFPET_EXPERIMENTER/NXBAC_MUST_BE_ZERO")]
    [TestCase(0x4f4e4600u, 2313, "OFPET_EXPERIMENTER/ONFBFC_MSG_FAILED")]
    [TestCase(0x4f4e4600u, 2300, "OFPET_EXPERIMENTER/ONFBFC_UNKNOWN")]
    [TestCase(0x12345678u, 1, "OFPET_EXPERIMENTER/experimenter 0x12345678 code 1")]
    public void Experimenter_errors_are_named_by_their_experimenter(uint experimenter, int code, string expected)
    {
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow13, OpenFlowMessageType.Error, 4)
            .U16(0xffff).U16((ushort)code).U32(experimenter).Bytes(1, 2, 3).Build();

        var error = new OpenFlowReader(message).ReadError();

        Assert.That(error.Experimenter, Is.EqualTo(experimenter));
        Assert.That(error.ToString(), Does.StartWith(expected));
        Assert.That(error.Data.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void Hello_failed_text_is_shown_escaped()
    {
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow13, OpenFlowMessageType.Error, 4)
            .U16(0).U16(0).Bytes("only 1.0\n\u001b[31m"u8.ToArray()).Build();

        var error = new OpenFlowReader(message).ReadError();

        Assert.That(error.ToString(), Is.EqualTo(@"OFPET_HELLO_FAILED/OFPHFC_INCOMPATIBLE (type 0, code 0): only 1.0\x0a\x1b[31m"));
    }

    [Test]
    public void A_hello_without_bitmap_supports_every_version_up_to_its_own()
    {
        var message = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.Hello, 1).Build();

        var hello = new OpenFlowReader(message).ReadHello();

        Assert.That(hello.VersionBitmap, Is.Empty);
        Assert.That(hello.Supports(4) && hello.Supports(5) && !hello.Supports(6));
    }

    [Test]
    public void Unknown_actions_and_instructions_are_kept_raw()
    {
        var flow = WireBuilder.Message(OpenFlowVersion.OpenFlow14, OpenFlowMessageType.FlowMod, 1)
            .U64(0).U64(0).U8(0).U8(0).U16(0).U16(0).U16(1).U32(OpenFlowBuffer.None).U32(OpenFlowPort.Any).U32(OpenFlowGroup.Any).U16(0).U16(0)
            .U16(1).U16(4).Zeros(4)
            .U16(2).U16(24).Zeros(4).U64(0xff).U64(0xff)
            .U16(4).U16(24).Zeros(4).U16(0xffff).U16(16).U32(0x2320).U16(99).Zeros(6).Build();

        var decoded = new OpenFlowReader(flow).ReadFlowMod();

        Assert.That(decoded.Instructions[0], Is.InstanceOf<RawInstruction>());
        var apply = (ApplyActionsInstruction)decoded.Instructions[1];
        Assert.That(apply.Actions.Single(), Is.EqualTo(new RawAction(0xffff, [0, 0, 0x23, 0x20, 0, 99, 0, 0, 0, 0, 0, 0])));
    }
}
