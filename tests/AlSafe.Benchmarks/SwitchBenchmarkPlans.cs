using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;

namespace AlSafe.Benchmarks;

/// <summary>The plans the switch benchmarks install: a node full of VMs with ten flows each, and two VMs whose next
/// change adds (and whose change after removes) one flow and a hundred flows.</summary>
internal static class SwitchBenchmarkPlans
{
    public const int Vms = 1000;
    public const int FlowsPerVm = 10;

    /// <summary>VM i: ten inbound services, each a committed ingress flow to its port.</summary>
    public static IReadOnlyList<FlowPlan> Node { get; } = [.. Enumerable.Range(0, Vms).Select(BulkVm)];

    public static FlowPlan OneBefore { get; } = FlowPlanner.Plan(Services(Vm("bench-one", 2001), 0));

    public static FlowPlan OneAfter { get; } = FlowPlanner.Plan(Services(Vm("bench-one", 2001), 1));

    public static FlowPlan HundredBefore { get; } = FlowPlanner.Plan(Services(Vm("bench-hundred", 2002), 0));

    public static FlowPlan HundredAfter { get; } = FlowPlanner.Plan(Services(Vm("bench-hundred", 2002), 100));

    private static FlowPlan BulkVm(int index)
    {
        var zone = (ushort)(index + 1);
        var cookie = RuleCookie.ForVm($"bulk{index}");
        var address = IPAddress.Parse($"10.{index / 256}.{index % 256}.5");
        return new FlowPlan(cookie, Enumerable.Range(0, FlowsPerVm).Select(service => new Flow(
            FlowTable.Ingress,
            FlowPriority.Grant,
            cookie,
            new FlowMatch
            {
                CtZone = zone,
                CtState = ConntrackStateMatch.ValidTracked(ConntrackStates.New),
                EthType = EtherType.Ipv4,
                IpProto = IpProtocol.Tcp,
                IpDst = AddressPrefix.Host(address),
                TpDst = MaskedPort.Exact((ushort)(8000 + service)),
            },
            [new ConntrackAction(true, zone, null), new OutputAction((uint)(index + 1))])));
    }

    private static VmPort Vm(string name, ushort number) =>
        new(name, number, new MacAddress(0x5254_0000_0000UL + number), [IPAddress.Parse($"10.250.{number % 256}.5")], number, RuleCookie.ForVm(name));

    /// <summary>A VM with <paramref name="count"/> TCP services open to anyone: one ingress flow each.</summary>
    private static GrantSet Services(VmPort vm, int count) => new(
        vm,
        [.. Enumerable.Range(0, count).Select(i => new InboundGrant(vm.Addresses[0], SocketProtocol.Tcp, (ushort)(10000 + i),
            AddressPrefix.Create(IPAddress.Any, 0), PortRange.Any))],
        []);
}
