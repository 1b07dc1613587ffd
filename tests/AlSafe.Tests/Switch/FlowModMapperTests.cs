using System.Net;
using System.Net.NetworkInformation;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.OpenFlow;
using AlSafe.Interop.Switch;
using AlSafe.Tests.Rules;
using NUnit.Framework;
using CoreConntrack = AlSafe.Core.Rules.Switch.ConntrackAction;
using CoreController = AlSafe.Core.Rules.Switch.ControllerAction;
using CoreOutput = AlSafe.Core.Rules.Switch.OutputAction;
using OfConntrack = AlSafe.Interop.OpenFlow.ConntrackAction;
using OfController = AlSafe.Interop.OpenFlow.ControllerAction;
using OfOutput = AlSafe.Interop.OpenFlow.OutputAction;

namespace AlSafe.Tests.Switch;

public sealed class FlowModMapperTests
{
    private static readonly Flow IngressGrant = FlowPlanner.Plan(SampleGrants.Web).Flows
        .Single(flow => flow.Table == FlowTable.Ingress && flow.Match.TpDst == MaskedPort.Exact(53) && flow.Match.TpSrc == new MaskedPort(1024, 0xfc00));

    private static IEnumerable<Flow> PlannedFlows => SwitchPlans.All.SelectMany(plan => plan.Flows);

    [TestCaseSource(nameof(PlannedFlows))]
    public void Every_planned_flow_comes_back_from_its_flow_mod_unchanged(Flow flow) =>
        Assert.That(FlowModMapper.ToFlow(FlowModMapper.ToFlowMod(flow)), Is.EqualTo(flow));

    [TestCaseSource(nameof(PlannedFlows))]
    public void Fields_come_after_their_prerequisites(Flow flow)
    {
        var names = FlowModMapper.ToFlowMod(flow).Match.Fields.Select(field => field.ToString().Split('=')[0]).ToList();

        Assert.Multiple(() =>
        {
            foreach (var (before, after) in new[]
            {
                ("in_port", "eth_type"), ("eth_type", "ip_proto"), ("eth_type", "ipv4_src"), ("eth_type", "ipv6_dst"), ("eth_type", "arp_spa"), ("eth_type", "arp_tpa"),
                ("ip_proto", "tcp_dst"), ("ip_proto", "udp_src"), ("ip_proto", "icmpv6_type"), ("icmpv6_type", "ipv6_nd_target"),
            })
            {
                if (names.Contains(before) && names.Contains(after))
                {
                    Assert.That(names.IndexOf(before), Is.LessThan(names.IndexOf(after)), $"{before} before {after} in {string.Join(",", names)}");
                }
            }
        });
    }

    [Test]
    public void An_ingress_grant_is_the_flow_mod_ovs_ofctl_would_send()
    {
        var expected = new FlowMod
        {
            TableId = 3,
            Priority = FlowPriority.Grant,
            Cookie = SampleGrants.Vm.Cookie,
            Match = new OxmMatch([
                OxmField.EthType(0x0800), OxmField.IpProto(17), OxmField.Ipv4Src(IPAddress.Parse("10.0.0.0"), 8),
                OxmField.Ipv4Dst(SampleGrants.V4), OxmField.UdpSrc(1024, 0xfc00), OxmField.UdpDst(53),
                OxmField.CtState(CtStateFlags.Tracked | CtStateFlags.New, CtStateFlags.Invalid), OxmField.CtZone(7),
            ]),
            // set_field:0->in_port goes out as ovs-ofctl sends it: NXM_OF_IN_PORT (class 0, field 0, 16 bits) in a set-field.
            Instructions = [new ApplyActionsInstruction([
                new OfConntrack { Flags = ConntrackFlags.Commit, Zone = 7 }, new SetFieldAction(new OxmField(OxmClass.Nxm0, 0, [0, 0])), new OfOutput(5)])],
        };

        Assert.That(FlowModMapper.ToFlowMod(IngressGrant), Is.EqualTo(expected));
    }

    [Test]
    public void A_report_is_the_flow_mod_ovs_ofctl_would_send()
    {
        var report = FlowPlanner.Plan(SampleGrants.Web).Flows
            .Single(flow => flow.Table == FlowTable.Egress && flow.Priority == FlowPriority.NewConnectionReport && flow.Match.EthType == EtherType.Ipv4 && flow.Match.IpProto == IpProtocol.Tcp);
        var expected = new FlowMod
        {
            TableId = 1,
            Priority = FlowPriority.NewConnectionReport,
            Cookie = SampleGrants.Vm.Cookie,
            Match = new OxmMatch([
                OxmField.InPort(5), OxmField.EthType(0x0800), OxmField.IpProto(6), OxmField.TcpFlags(0x002, 0x012),
                OxmField.CtState(CtStateFlags.Tracked | CtStateFlags.New, CtStateFlags.Invalid),
            ]),
            Instructions = [new ApplyActionsInstruction([new OfController { MaxLength = 128, MeterId = FlowPlanner.ReportMeter }])],
        };

        Assert.That(FlowModMapper.ToFlowMod(report), Is.EqualTo(expected));
    }

    [Test]
    public void Tcp_flags_in_every_form_the_switch_reports_and_a_plain_controller_output_map_back()
    {
        var report = FlowPlanner.Plan(SampleGrants.Web).Flows.First(flow => flow.Match.TcpFlags is not null);
        var sent = FlowModMapper.ToFlowMod(report);
        var flags = sent.Match.Fields.Single(field => field.Class == OxmClass.Nxm1 && field.Field == 34);
        var others = sent.Match.Fields.Where(field => field != flags).ToList();
        OxmField[] reported =
        [
            new(OxmClass.OpenFlowBasic, 42, flags.Value.Span, flags.Mask.Span),
            new(OxmClass.Experimenter, 42, flags.Value.Span, flags.Mask.Span, experimenter: 0x4f4e4600),
        ];

        Assert.Multiple(() =>
        {
            foreach (var form in reported)
            {
                Assert.That(FlowModMapper.ToFlow(sent with { Match = new OxmMatch([.. others, form]) }), Is.EqualTo(report), form.ToString());
            }

            Assert.That(FlowModMapper.TryToFlow(sent with { Match = new OxmMatch([.. sent.Match.Fields, reported[0]]) }, out _), Is.False, "tcp_flags twice");
            Assert.That(
                FlowModMapper.ToFlow(sent with { Instructions = [new ApplyActionsInstruction([OfOutput.ToController(128)])] }).Actions,
                Is.EqualTo(new FlowAction[] { new CoreController(128, null) }));
        });
    }

    [Test]
    public void Only_clearing_in_port_is_a_set_field_the_model_has()
    {
        var flowMod = FlowModMapper.ToFlowMod(IngressGrant);
        var setPort = flowMod with { Instructions = [new ApplyActionsInstruction([new SetFieldAction(new OxmField(OxmClass.Nxm0, 0, [0, 6])), new OfOutput(5)])] };
        var setOxmPort = flowMod with { Instructions = [new ApplyActionsInstruction([new SetFieldAction(OxmField.InPort(0)), new OfOutput(5)])] };

        Assert.That(FlowModMapper.TryToFlow(setPort, out _), Is.False, "in_port set to a port");
        Assert.That(FlowModMapper.TryToFlow(setOxmPort, out _), Is.False, "the 32-bit OXM in_port, which the switch refuses to set to 0");
    }

    [Test]
    public void Goto_table_is_its_own_instruction_after_the_actions_and_drop_is_none()
    {
        var egress = FlowPlanner.Plan(SampleGrants.Web).Flows.First(flow => flow.Table == FlowTable.Egress && flow.Actions.Count == 2);
        var drop = FlowPlanner.Plan(SampleGrants.Web).Flows.First(flow => flow.Actions.Count == 0);

        Assert.That(FlowModMapper.ToFlowMod(egress).Instructions, Is.EqualTo(new OpenFlowInstruction[]
        {
            new ApplyActionsInstruction([new OfConntrack { Flags = ConntrackFlags.Commit, Zone = 7 }]),
            new GotoTableInstruction(2),
        }));
        Assert.That(FlowModMapper.ToFlowMod(drop).Instructions, Is.Empty);
    }

    [Test]
    public void A_strict_delete_selects_the_flow_and_its_exact_cookie_only()
    {
        var delete = FlowModMapper.ToDeleteStrict(IngressGrant);

        Assert.That(delete.Command, Is.EqualTo(FlowModCommand.DeleteStrict));
        Assert.That(delete.CookieMask, Is.EqualTo(ulong.MaxValue));
        Assert.That(delete.Match, Is.EqualTo(FlowModMapper.ToFlowMod(IngressGrant).Match));
        Assert.That(delete.Instructions, Is.Empty);
    }

    [Test]
    public void A_match_that_OpenFlow_would_store_differently_is_refused()
    {
        var anyAddress = new Flow(FlowTable.Ingress, 5, SampleGrants.Vm.Cookie,
            new FlowMatch { EthType = EtherType.Ipv4, IpSrc = AddressPrefix.Create(IPAddress.Any, 0) }, []);
        var noRecirculation = new Flow(FlowTable.Source, 5, SampleGrants.Vm.Cookie, new FlowMatch(),
            [new CoreConntrack(false, 7, (FlowTable)0xff)]);

        Assert.That(() => FlowModMapper.ToFlowMod(anyAddress), Throws.ArgumentException.With.Message.Contains("every address"));
        Assert.That(() => FlowModMapper.ToFlowMod(noRecirculation), Throws.ArgumentException.With.Message.Contains("no recirculation"));
    }

    private static IEnumerable<TestCaseData> NotPlanned()
    {
        var planned = FlowModMapper.ToFlowMod(IngressGrant);
        yield return new TestCaseData(planned with { IdleTimeout = 30 }).SetName("an idle timeout");
        yield return new TestCaseData(planned with { Flags = FlowModFlags.SendFlowRemoved }).SetName("flags");
        yield return new TestCaseData(planned with { Command = FlowModCommand.Modify }).SetName("a modify");
        yield return new TestCaseData(planned with { Match = new OxmMatch([.. planned.Match.Fields, OxmField.Register(0, 1)]) }).SetName("a register");
        yield return new TestCaseData(planned with { Match = new OxmMatch([.. planned.Match.Fields, OxmField.ArpOp(1)]) }).SetName("a field the model lacks");
        yield return new TestCaseData(planned with { Match = new OxmMatch([OxmField.CtState(CtStateFlags.Tracked | CtStateFlags.SourceNat)]) })
            .SetName("a ct_state bit the model lacks");
        yield return new TestCaseData(planned with { Match = new OxmMatch([OxmField.EthType(0x0800), OxmField.IpProto(17), OxmField.TcpDst(80)]) })
            .SetName("a TCP port under UDP");
        yield return new TestCaseData(planned with { Match = new OxmMatch([OxmField.EthSrc(PhysicalAddress.Parse("52-54-00-00-00-01"), PhysicalAddress.Parse("ff-ff-ff-00-00-00"))]) })
            .SetName("a masked source MAC");
        yield return new TestCaseData(planned with { Instructions = [new WriteActionsInstruction([new OfOutput(5)])] }).SetName("write-actions");
        yield return new TestCaseData(planned with { Instructions = [new ApplyActionsInstruction([new OfOutput(OpenFlowPort.Flood)])] }).SetName("output to FLOOD");
        yield return new TestCaseData(planned with { Instructions = [new ApplyActionsInstruction([new RawAction(0xffff, [0, 0, 0x23, 0x20, 0, 37, 0, 0, 0, 0, 0, 0, 0, 1, 0, 6, 0, 3, 0, 0])])] })
            .SetName("a controller action with a controller id");
        yield return new TestCaseData(planned with { Instructions = [new ApplyActionsInstruction([new OfConntrack { Zone = 7, Alg = 21 }])] }).SetName("a ct() with an ALG");
        yield return new TestCaseData(planned with { Instructions = [new GotoTableInstruction(1)] }).SetName("a backwards goto");
        yield return new TestCaseData(planned with { Instructions = [new GotoTableInstruction(4), new ApplyActionsInstruction([new OfOutput(5)])] })
            .SetName("actions after the goto");
    }

    [TestCaseSource(nameof(NotPlanned))]
    public void A_flow_the_planner_cannot_make_does_not_map_back(FlowMod flowMod)
    {
        Assert.That(FlowModMapper.TryToFlow(flowMod, out _), Is.False);
        Assert.That(() => FlowModMapper.ToFlow(flowMod), Throws.ArgumentException);
    }

    [Test]
    public void An_output_keeps_its_port_whatever_max_len_says() =>
        Assert.That(
            FlowModMapper.ToFlow(FlowModMapper.ToFlowMod(IngressGrant) with
            {
                Instructions = [new ApplyActionsInstruction([new OfConntrack { Flags = ConntrackFlags.Commit, Zone = 7 }, new OfOutput(5, 128)])],
            }).Actions,
            Is.EqualTo(new FlowAction[] { new CoreConntrack(true, 7, null), new CoreOutput(5) }));
}
