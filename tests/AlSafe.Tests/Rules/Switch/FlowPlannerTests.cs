using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Switch;

public sealed class FlowPlannerTests
{
    private const string SampleFlows = """
        cookie=0xa15a000000001234,table=0,priority=300,udp,in_port=5,dl_src=52:54:00:12:34:56,nw_src=0.0.0.0,tp_src=68,tp_dst=67,actions=goto_table:2
        cookie=0xa15a000000001234,table=0,priority=300,udp,in_port=5,dl_src=52:54:00:12:34:56,nw_src=192.0.2.10,tp_src=68,tp_dst=67,actions=goto_table:2
        cookie=0xa15a000000001234,table=0,priority=300,arp,in_port=5,dl_src=52:54:00:12:34:56,arp_spa=192.0.2.10,arp_sha=52:54:00:12:34:56,actions=goto_table:2
        cookie=0xa15a000000001234,table=0,priority=300,udp6,in_port=5,dl_src=52:54:00:12:34:56,ipv6_src=2001:db8::10,tp_src=546,tp_dst=547,actions=goto_table:2
        cookie=0xa15a000000001234,table=0,priority=300,icmp6,in_port=5,dl_src=52:54:00:12:34:56,icmp_type=136,nd_target=2001:db8::10,actions=goto_table:2
        cookie=0xa15a000000001234,table=0,priority=300,icmp6,in_port=5,dl_src=52:54:00:12:34:56,ipv6_src=::,icmp_type=133,actions=goto_table:2
        cookie=0xa15a000000001234,table=0,priority=300,icmp6,in_port=5,dl_src=52:54:00:12:34:56,ipv6_src=::,icmp_type=135,actions=goto_table:2
        cookie=0xa15a000000001234,table=0,priority=300,icmp6,in_port=5,dl_src=52:54:00:12:34:56,ipv6_src=2001:db8::10,icmp_type=133,actions=goto_table:2
        cookie=0xa15a000000001234,table=0,priority=300,icmp6,in_port=5,dl_src=52:54:00:12:34:56,ipv6_src=2001:db8::10,icmp_type=135,actions=goto_table:2
        cookie=0xa15a000000001234,table=0,priority=200,ip,in_port=5,dl_src=52:54:00:12:34:56,nw_src=192.0.2.10,actions=ct(table=1,zone=7)
        cookie=0xa15a000000001234,table=0,priority=200,ipv6,in_port=5,dl_src=52:54:00:12:34:56,ipv6_src=2001:db8::10,actions=ct(table=1,zone=7)
        cookie=0xa15a000000001234,table=0,priority=10,in_port=5,actions=drop
        cookie=0xa15a000000001234,table=1,priority=300,ct_state=+est-inv+trk,in_port=5,actions=goto_table:2
        cookie=0xa15a000000001234,table=1,priority=300,ct_state=+rel-inv+trk,in_port=5,actions=goto_table:2
        cookie=0xa15a000000001234,table=1,priority=200,ct_state=+new-inv+trk,tcp,in_port=5,nw_src=192.0.2.10,nw_dst=198.51.100.7,tp_src=40000,tp_dst=443,actions=ct(commit,zone=7),goto_table:2
        cookie=0xa15a000000001234,table=1,priority=200,ct_state=+new-inv+trk,udp6,in_port=5,ipv6_src=2001:db8::10,ipv6_dst=2001:db8::53,tp_src=40001,tp_dst=53,actions=ct(commit,zone=7),goto_table:2
        cookie=0xa15a000000001234,table=1,priority=100,ct_state=+new-inv+trk,tcp,in_port=5,tcp_flags=+syn-ack,actions=controller(max_len=128,meter_id=41306)
        cookie=0xa15a000000001234,table=1,priority=100,ct_state=+new-inv+trk,udp,in_port=5,actions=controller(max_len=128,meter_id=41306)
        cookie=0xa15a000000001234,table=1,priority=100,ct_state=+new-inv+trk,tcp6,in_port=5,tcp_flags=+syn-ack,actions=controller(max_len=128,meter_id=41306)
        cookie=0xa15a000000001234,table=1,priority=100,ct_state=+new-inv+trk,udp6,in_port=5,actions=controller(max_len=128,meter_id=41306)
        cookie=0xa15a000000001234,table=1,priority=10,in_port=5,actions=drop
        cookie=0xa15a000000001234,table=2,priority=410,in_port=5,dl_dst=52:54:00:12:34:56,actions=drop
        cookie=0xa15a000000001234,table=2,priority=410,arp,in_port=5,dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa=192.0.2.10,actions=NORMAL
        cookie=0xa15a000000001234,table=2,priority=410,icmp6,in_port=5,dl_dst=33:33:ff:00:00:10,icmp_type=135,nd_target=2001:db8::10,actions=NORMAL
        cookie=0xa15a000000001234,table=2,priority=400,arp,dl_dst=ff:ff:ff:ff:ff:ff,arp_tpa=192.0.2.10,actions=NORMAL,set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=2,priority=400,icmp6,dl_dst=33:33:ff:00:00:10,icmp_type=135,nd_target=2001:db8::10,actions=NORMAL,set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=2,priority=300,udp,dl_dst=52:54:00:12:34:56,tp_src=67,tp_dst=68,actions=set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=2,priority=300,arp,dl_dst=52:54:00:12:34:56,actions=set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=2,priority=300,udp6,dl_dst=52:54:00:12:34:56,tp_src=547,tp_dst=546,actions=set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=2,priority=300,icmp6,dl_dst=52:54:00:12:34:56,icmp_type=134,actions=set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=2,priority=300,icmp6,dl_dst=52:54:00:12:34:56,icmp_type=135,actions=set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=2,priority=300,icmp6,dl_dst=52:54:00:12:34:56,icmp_type=136,actions=set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=2,priority=200,ip,dl_dst=52:54:00:12:34:56,nw_dst=192.0.2.10,actions=ct(table=3,zone=7)
        cookie=0xa15a000000001234,table=2,priority=200,ipv6,dl_dst=52:54:00:12:34:56,ipv6_dst=2001:db8::10,actions=ct(table=3,zone=7)
        cookie=0xa15a000000001234,table=2,priority=10,dl_dst=52:54:00:12:34:56,actions=drop
        cookie=0xa15a000000001234,table=3,priority=300,ct_state=+est-inv+trk,ct_zone=7,actions=set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=3,priority=300,ct_state=+rel-inv+trk,ct_zone=7,actions=set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=3,priority=200,ct_state=+new-inv+trk,ct_zone=7,tcp,nw_dst=192.0.2.10,tp_dst=80,actions=ct(commit,zone=7),set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=3,priority=200,ct_state=+new-inv+trk,ct_zone=7,udp,nw_src=10.0.0.0/8,nw_dst=192.0.2.10,tp_src=0x400/0xfc00,tp_dst=53,actions=ct(commit,zone=7),set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=3,priority=200,ct_state=+new-inv+trk,ct_zone=7,udp,nw_src=10.0.0.0/8,nw_dst=192.0.2.10,tp_src=0x800/0xf800,tp_dst=53,actions=ct(commit,zone=7),set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=3,priority=200,ct_state=+new-inv+trk,ct_zone=7,udp,nw_src=10.0.0.0/8,nw_dst=192.0.2.10,tp_src=0x1000/0xf000,tp_dst=53,actions=ct(commit,zone=7),set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=3,priority=200,ct_state=+new-inv+trk,ct_zone=7,udp,nw_src=10.0.0.0/8,nw_dst=192.0.2.10,tp_src=0x2000/0xe000,tp_dst=53,actions=ct(commit,zone=7),set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=3,priority=200,ct_state=+new-inv+trk,ct_zone=7,udp,nw_src=10.0.0.0/8,nw_dst=192.0.2.10,tp_src=0x4000/0xc000,tp_dst=53,actions=ct(commit,zone=7),set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=3,priority=200,ct_state=+new-inv+trk,ct_zone=7,udp,nw_src=10.0.0.0/8,nw_dst=192.0.2.10,tp_src=0x8000/0x8000,tp_dst=53,actions=ct(commit,zone=7),set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=3,priority=200,ct_state=+new-inv+trk,ct_zone=7,tcp6,ipv6_src=2001:db8:1::/48,ipv6_dst=2001:db8::10,tp_dst=443,actions=ct(commit,zone=7),set_field:0->in_port,output:5
        cookie=0xa15a000000001234,table=3,priority=100,ct_state=+new-inv+trk,ct_zone=7,tcp,tcp_flags=+syn-ack,actions=controller(max_len=128,meter_id=41306)
        cookie=0xa15a000000001234,table=3,priority=100,ct_state=+new-inv+trk,ct_zone=7,udp,actions=controller(max_len=128,meter_id=41306)
        cookie=0xa15a000000001234,table=3,priority=100,ct_state=+new-inv+trk,ct_zone=7,tcp6,tcp_flags=+syn-ack,actions=controller(max_len=128,meter_id=41306)
        cookie=0xa15a000000001234,table=3,priority=100,ct_state=+new-inv+trk,ct_zone=7,udp6,actions=controller(max_len=128,meter_id=41306)
        cookie=0xa15a000000001234,table=3,priority=10,ct_zone=7,actions=drop
        """;

    private const string BaseFlows = """
        cookie=0xa15a000000000000,table=0,priority=5,arp,dl_dst=ff:ff:ff:ff:ff:ff,actions=NORMAL
        cookie=0xa15a000000000000,table=0,priority=5,icmp6,dl_dst=33:33:ff:00:00:00/ff:ff:ff:00:00:00,icmp_type=135,actions=NORMAL
        cookie=0xa15a000000000000,table=0,priority=0,actions=goto_table:2
        cookie=0xa15a000000000000,table=1,priority=0,actions=drop
        cookie=0xa15a000000000000,table=2,priority=300,udp,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,tp_src=67,tp_dst=68,actions=NORMAL
        cookie=0xa15a000000000000,table=2,priority=300,udp,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,tp_src=68,tp_dst=67,actions=NORMAL
        cookie=0xa15a000000000000,table=2,priority=300,udp6,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,tp_src=546,tp_dst=547,actions=NORMAL
        cookie=0xa15a000000000000,table=2,priority=300,icmp6,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=133,actions=NORMAL
        cookie=0xa15a000000000000,table=2,priority=300,icmp6,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=134,actions=NORMAL
        cookie=0xa15a000000000000,table=2,priority=300,icmp6,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=135,actions=NORMAL
        cookie=0xa15a000000000000,table=2,priority=300,icmp6,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,icmp_type=136,actions=NORMAL
        cookie=0xa15a000000000000,table=2,priority=100,ip,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=drop
        cookie=0xa15a000000000000,table=2,priority=100,ipv6,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=drop
        cookie=0xa15a000000000000,table=2,priority=0,actions=NORMAL
        cookie=0xa15a000000000000,table=3,priority=0,actions=drop
        """;

    [Test]
    public void TheSampleVmGetsExactlyTheExpectedFlows() =>
        Assert.That(Lines(OfctlFormatter.Plan(FlowPlanner.Plan(SampleGrants.Web))), Is.EqualTo(Lines(SampleFlows)));

    [Test]
    public void TheBasePlanIsExactlyTheExpectedFlows() =>
        Assert.That(Lines(OfctlFormatter.Plan(FlowPlanner.BasePlan())), Is.EqualTo(Lines(BaseFlows)));

    [Test]
    public void TheFirstPacketOfANewConnectionNoGrantAllowsIsReportedAndDroppedBetweenTheGrantsAndTheDefaultDrop()
    {
        var flows = FlowPlanner.Plan(SampleGrants.Web).Flows;
        var reports = flows.Where(flow => flow.Actions.OfType<ControllerAction>().Any()).ToList();
        var vm = SampleGrants.Vm;

        Assert.That(FlowPriority.NewConnectionReport, Is.LessThan(FlowPriority.Grant).And.GreaterThan(FlowPriority.VmDefault));
        Assert.That(reports, Has.Count.EqualTo(8), "TCP and UDP, IPv4 and IPv6, out of the VM and into it");
        Assert.Multiple(() =>
        {
            foreach (var report in reports)
            {
                var match = report.Match;
                Assert.That(report.Priority, Is.EqualTo(FlowPriority.NewConnectionReport), report.ToString());
                Assert.That(report.Actions, Is.EqualTo(new FlowAction[] { new ControllerAction(128, FlowPlanner.ReportMeter) }), "reported, and nothing else");
                Assert.That(match.CtState, Is.EqualTo(ConntrackStateMatch.ValidTracked(ConntrackStates.New)), report.ToString());
                Assert.That(match.TcpFlags, Is.EqualTo(match.IpProto == IpProtocol.Tcp ? TcpFlagsMatch.Opening : null), report.ToString());
                Assert.That(
                    (report.Table, match.InPort, match.CtZone),
                    Is.EqualTo((FlowTable.Egress, (uint?)vm.OfPort, (ushort?)null)).Or.EqualTo((FlowTable.Ingress, (uint?)null, (ushort?)vm.Zone)),
                    "the VM's own traffic out of table 1, its zone's into table 3");
                Assert.That(match with { CtState = null, EthType = null, IpProto = null, TcpFlags = null, InPort = null, CtZone = null }, Is.EqualTo(new FlowMatch()),
                    "any address and port: whatever no grant allowed");
            }
        });
        Assert.That(reports.Select(report => (report.Table, report.Match.EthType, report.Match.IpProto)).Distinct().Count(), Is.EqualTo(8));
    }

    [Test]
    public void WithoutReportsAPlanIsTheSameLessItsReports()
    {
        var reporting = FlowPlanner.Plan(SampleGrants.Web);
        var silent = FlowPlanner.Plan(SampleGrants.Web, new FlowPlannerOptions { ReportNewConnections = false });

        Assert.That(silent.Flows, Is.EqualTo(reporting.Flows.Where(flow => flow.Priority != FlowPriority.NewConnectionReport || flow.Table == FlowTable.Destination)));
        Assert.That(silent.Flows.SelectMany(flow => flow.Actions).OfType<ControllerAction>(), Is.Empty);
    }

    [Test]
    public void AVmWithoutGrantsCanStillConfigureItsAddressesButOpensNoConnection()
    {
        var plan = FlowPlanner.Plan(SampleGrants.Web with { Inbound = [], Outbound = [] });

        Assert.That(plan.Flows.Where(flow => flow.Table is FlowTable.Egress or FlowTable.Ingress && flow.Priority == FlowPriority.Grant), Is.Empty);
        Assert.That(plan.Flows.Where(flow => flow.Table == FlowTable.Source && flow.Priority == FlowPriority.AddressConfiguration), Is.Not.Empty);
    }

    [Test]
    public void DhcpClientMessagesPassOnlyFromTheVmsOwnAddressesOrFromNoneBeforeItHasOne()
    {
        var clients = FlowPlanner.Plan(SampleGrants.Web).Flows
            .Where(flow => flow.Table == FlowTable.Source && flow.Actions.Count > 0 && flow.Match.TpSrc is { Value: 68 or 546 })
            .ToList();

        Assert.That(clients, Has.All.Matches<Flow>(flow => flow.Match.InPort == SampleGrants.Vm.OfPort && flow.Match.EthSrc == SampleGrants.Vm.Mac));
        Assert.That(
            clients.Select(flow => flow.Match.IpSrc),
            Is.EquivalentTo(new AddressPrefix?[]
            {
                AddressPrefix.Host(IPAddress.Any), AddressPrefix.Host(SampleGrants.V4), AddressPrefix.Host(SampleGrants.V6),
            }));
    }

    [Test]
    public void BroadcastSolicitationsForEachOwnAddressReachTheVmButNeverFromItself()
    {
        var vm = SampleGrants.Vm with { Addresses = [SampleGrants.V4, IPAddress.Parse("192.0.2.11"), SampleGrants.V6, IPAddress.Parse("fe80::5054:ff:fe12:3456")] };
        var destination = FlowPlanner.Plan(new GrantSet(vm, [], [])).Flows.Where(flow => flow.Table == FlowTable.Destination).ToList();
        FlowAction[] normalAndDeliver = [NormalAction.Instance, ClearInPortAction.Instance, new OutputAction(vm.OfPort)];

        Assert.Multiple(() =>
        {
            foreach (var address in vm.Addresses)
            {
                var target = destination.Where(flow => address.Equals(flow.Match.ArpTpa) || address.Equals(flow.Match.NdTarget)).ToList();
                var delivery = target.Single(flow => flow.Priority == FlowPriority.Solicitation);
                var fromItself = target.Single(flow => flow.Priority == FlowPriority.FromItself);

                Assert.That(delivery.Match.InPort, Is.Null, $"{address}: from any port");
                Assert.That(delivery.Actions, Is.EqualTo(normalAndDeliver), $"{address}: NORMAL, then delivered");
                Assert.That(fromItself.Match, Is.EqualTo(delivery.Match with { InPort = vm.OfPort }), $"{address}: the VM's own");
                Assert.That(fromItself.Actions, Is.EqualTo(new FlowAction[] { NormalAction.Instance }), $"{address}: the VM's own");
            }

            Assert.That(
                destination.Single(flow => flow.Match.NdTarget is { } target && target.Equals(vm.Addresses[3]) && flow.Match.InPort is null).Match.EthDst,
                Is.EqualTo(MaskedMac.Exact(MacAddress.Parse("33:33:ff:12:34:56"))),
                "the solicited-node multicast group of the target");
        });
    }

    [Test]
    public void EveryOutputToTheVmsPortClearsInPortFirstAndNoneLeavesFromIt()
    {
        var flows = FlowPlanner.Plan(SampleGrants.Web).Flows;
        var outputs = flows.Where(flow => flow.Actions.OfType<OutputAction>().Any()).ToList();

        Assert.That(outputs, Is.Not.Empty);
        Assert.That(
            outputs.Where(flow => flow.Actions.Count < 2 || flow.Actions[^1] is not OutputAction || flow.Actions[^2] is not ClearInPortAction),
            Is.Empty, "outputs not preceded by clearing in_port");
        Assert.That(
            flows.Where(flow => flow.Table == FlowTable.Destination && flow.Priority == FlowPriority.FromItself && flow.Match.ArpTpa is null && flow.Match.NdTarget is null),
            Is.EqualTo(new[] { new Flow(FlowTable.Destination, FlowPriority.FromItself, SampleGrants.Vm.Cookie, new FlowMatch { InPort = 5, EthDst = MaskedMac.Exact(SampleGrants.Vm.Mac) }, []) }),
            "the VM's frames to its own MAC are dropped before any delivery");
    }

    [Test]
    public void AnIpv4OnlyVmGetsNoNeighbourDiscoveryAndAnIpv6OnlyVmNoArp()
    {
        var v4Only = FlowPlanner.Plan(Only(SampleGrants.V4));
        var v6Only = FlowPlanner.Plan(Only(SampleGrants.V6));

        Assert.That(v4Only.Flows.Where(flow => flow.Match.EthType == EtherType.Ipv6), Is.Empty);
        Assert.That(v6Only.Flows.Where(flow => flow.Match.EthType is EtherType.Arp or EtherType.Ipv4), Is.Empty);
    }

    [Test]
    public void AGrantForAnAddressTheVmDoesNotOwnIsRefused()
    {
        var foreign = SampleGrants.Web with
        {
            Inbound = [new InboundGrant(IPAddress.Parse("192.0.2.99"), SocketProtocol.Tcp, 80, AddressPrefix.Create(IPAddress.Any, 0), PortRange.Any)],
        };

        Assert.That(() => FlowPlanner.Plan(foreign), Throws.ArgumentException.With.Message.Contains("192.0.2.99"));
    }

    [Test]
    public void APortThatCannotBeAVmsOwnIsRefused()
    {
        Assert.That(() => FlowPlanner.Plan(WithVm(SampleGrants.Vm with { Zone = 0 })), Throws.ArgumentException.With.Message.Contains("zone"));
        Assert.That(() => FlowPlanner.Plan(WithVm(SampleGrants.Vm with { Cookie = 0x1234 })), Throws.ArgumentException.With.Message.Contains("cookie"));
        Assert.That(() => FlowPlanner.Plan(WithVm(SampleGrants.Vm with { Cookie = RuleCookie.Base })), Throws.ArgumentException.With.Message.Contains("cookie"));
        Assert.That(() => FlowPlanner.Plan(WithVm(SampleGrants.Vm with { OfPort = 0xfffffffe })), Throws.ArgumentException.With.Message.Contains("port"));
        Assert.That(
            () => FlowPlanner.Plan(WithVm(SampleGrants.Vm with { Mac = MacAddress.Parse("01:00:5e:00:00:01") })),
            Throws.ArgumentException.With.Message.Contains("MAC"));
    }

    [Test]
    public void AnIpv4MappedAddressIsRefusedBecauseNoPacketCarriesIt()
    {
        var mapped = IPAddress.Parse("::ffff:192.0.2.10");
        var grants = new GrantSet(SampleGrants.Vm with { Addresses = [mapped] }, [], []);

        Assert.That(() => FlowPlanner.Plan(grants), Throws.ArgumentException.With.Message.Contains("::ffff:"));
    }

    [Test]
    public void APlanKeepsOneOfEqualFlowsAndRefusesTwoFlowsOfOneKeyWithOtherActions()
    {
        var cookie = SampleGrants.Vm.Cookie;
        var drop = new Flow(FlowTable.Ingress, FlowPriority.VmDefault, cookie, new FlowMatch { CtZone = 7 }, []);
        var output = new Flow(FlowTable.Ingress, FlowPriority.VmDefault, cookie, new FlowMatch { CtZone = 7 }, [new OutputAction(5)]);

        Assert.That(new FlowPlan(cookie, [drop, drop with { }]).Flows, Is.EqualTo(new[] { drop }));
        Assert.That(() => new FlowPlan(cookie, [drop, output]), Throws.ArgumentException.With.Message.Contains("different actions"));
        Assert.That(() => new FlowPlan(RuleCookie.Base, [drop]), Throws.ArgumentException.With.Message.Contains("cookie"));
    }

    private static GrantSet Only(IPAddress address) => new(SampleGrants.Vm with { Addresses = [address] }, [], []);

    private static GrantSet WithVm(VmPort vm) => SampleGrants.Web with { Vm = vm };

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
