using AlSafe.Interop.OpenFlow;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>The codec pieces of reporting new connections: a metered controller action (NXAST_CONTROLLER2), the
/// tcp_flags match, and the meter itself, checked against Open vSwitch's own decoder and read back.</summary>
[TestFixture]
public sealed class OpenFlowReportCodecTests
{
    private static readonly FlowMod Report = new()
    {
        TableId = 3,
        Priority = 100,
        Cookie = 0xa15a000000001234,
        Match = new OxmMatch([
            OxmField.EthType(0x0800), OxmField.IpProto(6), OxmField.TcpFlags(0x002, 0x012),
            OxmField.CtState(CtStateFlags.Tracked | CtStateFlags.New, CtStateFlags.Invalid), OxmField.CtZone(7),
        ]),
        Instructions = [new ApplyActionsInstruction([new ControllerAction { MaxLength = 128, MeterId = 41306 }])],
    };

    private OpenFlowWriter _writer = null!;

    [SetUp]
    public void SetUp() => _writer = new OpenFlowWriter();

    [TearDown]
    public void TearDown() => _writer.Dispose();

    [TestCaseSource(typeof(OpenFlowSamples), nameof(OpenFlowSamples.Versions))]
    public void A_report_flow_decodes_with_its_flags_and_metered_controller_action(OpenFlowVersion version)
    {
        _writer.WriteFlowMod(version, 7, Report);

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain("priority=100,ct_state=+new-inv+trk,ct_zone=7,tcp,tcp_flags=+syn-ack"));
        Assert.That(text, Does.Contain("actions=controller(max_len=128,meter_id=41306)"));
    }

    [TestCaseSource(typeof(OpenFlowSamples), nameof(OpenFlowSamples.Versions))]
    public void A_report_flow_round_trips(OpenFlowVersion version)
    {
        var meterless = Report with { Instructions = [new ApplyActionsInstruction([new ControllerAction { MeterId = 9 }, new ControllerAction()])] };
        foreach (var flow in new[] { Report, meterless })
        {
            _writer.Clear();
            _writer.WriteFlowMod(version, 8, flow);

            Assert.That(new OpenFlowReader(_writer.WrittenSpan).ReadFlowMod(), Is.EqualTo(flow));
        }
    }

    [Test]
    public void A_controller_action_with_a_property_the_model_lacks_stays_raw()
    {
        // NXAST_CONTROLLER2 with NXAC2PT_CONTROLLER_ID=3: vendor, subtype 37, 6 zero bytes, then the property.
        var withId = new RawAction(0xffff, [0, 0, 0x23, 0x20, 0, 37, 0, 0, 0, 0, 0, 0, 0, 1, 0, 6, 0, 3, 0, 0]);
        var flow = Report with { Instructions = [new ApplyActionsInstruction([withId])] };
        _writer.WriteFlowMod(OpenFlowVersion.OpenFlow15, 9, flow);

        Assert.That(OfpPrint.Decode(_writer.WrittenSpan), Does.Contain("actions=controller(id=3)"));
        Assert.That(new OpenFlowReader(_writer.WrittenSpan).ReadFlowMod(), Is.EqualTo(flow));
    }

    [TestCaseSource(typeof(OpenFlowSamples), nameof(OpenFlowSamples.Versions))]
    public void A_meter_mod_decodes_with_its_drop_band(OpenFlowVersion version)
    {
        _writer.WriteMeterMod(version, 10, new MeterMod
        {
            Command = MeterModCommand.Add,
            MeterId = 41306,
            Flags = MeterFlags.PacketsPerSecond | MeterFlags.Burst | MeterFlags.Stats,
            Bands = [new MeterDropBand(100, 50)],
        });

        var text = OfpPrint.Decode(_writer.WrittenSpan);

        Assert.That(text, Does.Contain("OFPT_METER_MOD").And.Contain("ADD meter=41306 pktps burst stats bands="));
        Assert.That(text, Does.Contain("type=drop rate=100 burst_size=50"));
    }
}
