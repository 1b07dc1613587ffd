using System.Net;
using System.Net.NetworkInformation;
using AlSafe.Interop.OpenFlow;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>Flows shaped like the firewall's: conntrack in a zone, recirculation, IPv4/IPv6, masked ports.</summary>
internal static class OpenFlowSamples
{
    public static readonly OpenFlowVersion[] Versions = [OpenFlowVersion.OpenFlow13, OpenFlowVersion.OpenFlow14, OpenFlowVersion.OpenFlow15];

    /// <summary>table=1: tracked new TCPv6 from fd00::/64 to fd00::10 ports 80-95 in zone 5 → commit in zone 7,
    /// recirculate to table 3, continue in table 4.</summary>
    public static FlowMod RichFlow(ulong cookie = 0xa15afe01) => new()
    {
        TableId = 1,
        Priority = 100,
        Cookie = cookie,
        Match = new OxmMatch([
            OxmField.InPort(1), OxmField.EthType(0x86dd), OxmField.IpProto(6), OxmField.Ipv6Src(IPAddress.Parse("fd00::"), 64),
            OxmField.Ipv6Dst(IPAddress.Parse("fd00::10")), OxmField.TcpDst(0x50, 0xfff0),
            OxmField.CtState(CtStateFlags.Tracked | CtStateFlags.New, CtStateFlags.Established), OxmField.CtZone(5),
        ]),
        Instructions =
        [
            new ApplyActionsInstruction([new ConntrackAction { Flags = ConntrackFlags.Commit, Zone = 7, RecirculationTable = 3 }]),
            new GotoTableInstruction(4),
        ],
    };

    /// <summary>A small table as the firewall would install it: untracked IP into conntrack, established traffic
    /// and whitelisted new connections on, everything else dropped.</summary>
    public static IReadOnlyList<FlowMod> Table(ulong cookie) =>
    [
        new()
        {
            TableId = 0, Priority = 100, Cookie = cookie,
            Match = new OxmMatch([OxmField.EthType(0x0800), OxmField.CtState(CtStateFlags.None, CtStateFlags.Tracked)]),
            Instructions = [new ApplyActionsInstruction([new ConntrackAction { Zone = 12, RecirculationTable = 1 }])],
        },
        new()
        {
            TableId = 0, Priority = 90, Cookie = cookie,
            Match = new OxmMatch([OxmField.EthType(0x0806), OxmField.ArpOp(1), OxmField.ArpTpa(IPAddress.Parse("10.0.0.0"), 24),
                OxmField.ArpSha(PhysicalAddress.Parse("52-54-00-12-34-56"))]),
            Instructions = [new ApplyActionsInstruction([OutputAction.Normal])],
        },
        new()
        {
            TableId = 1, Priority = 200, Cookie = cookie,
            Match = new OxmMatch([OxmField.EthType(0x0800), OxmField.CtState(CtStateFlags.Tracked | CtStateFlags.Established,
                CtStateFlags.New | CtStateFlags.Invalid), OxmField.CtZone(12)]),
            Instructions = [new ApplyActionsInstruction([OutputAction.Normal])],
        },
        new()
        {
            TableId = 1, Priority = 150, Cookie = cookie, IdleTimeout = 300,
            Match = new OxmMatch([OxmField.EthType(0x0800), OxmField.IpProto(17), OxmField.Ipv4Dst(IPAddress.Parse("10.0.0.5")),
                OxmField.UdpDst(53), OxmField.CtState(CtStateFlags.Tracked | CtStateFlags.New), OxmField.CtZone(12)]),
            Instructions = [new ApplyActionsInstruction([new ConntrackAction { Flags = ConntrackFlags.Commit, Zone = 12 }, OutputAction.Normal])],
        },
        new()
        {
            TableId = 1, Priority = 150, Cookie = cookie,
            Match = new OxmMatch([OxmField.EthType(0x0800), OxmField.IpProto(6), OxmField.Ipv4Src(IPAddress.Parse("192.168.0.0"), 16),
                OxmField.TcpDst(0x1f90, 0xfffc), OxmField.CtState(CtStateFlags.Tracked | CtStateFlags.New), OxmField.CtZone(12)]),
            Instructions = [new ApplyActionsInstruction([new ConntrackAction { Flags = ConntrackFlags.Commit, Zone = 12 }]), new GotoTableInstruction(2)],
        },
        new()
        {
            TableId = 1, Priority = 150, Cookie = cookie,
            Match = new OxmMatch([OxmField.EthType(0x86dd), OxmField.IpProto(58), OxmField.Icmpv6Type(135),
                OxmField.Ipv6NdTarget(IPAddress.Parse("fe80::1"))]),
            Instructions = [new ApplyActionsInstruction([OutputAction.Normal, OutputAction.ToController(128)])],
        },
        new() { TableId = 1, Priority = 0, Cookie = cookie },
        new()
        {
            TableId = 2, Priority = 10, Cookie = cookie,
            Instructions = [new ApplyActionsInstruction([new ResubmitAction(3)]), new WriteActionsInstruction([new OutputAction(7)])],
        },
    ];
}
