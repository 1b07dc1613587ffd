using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;
using NUnit.Framework;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace AlSafe.Tests.Decisions;

public sealed class DecisionProperties
{
    [Property(Arbitrary = new[] { typeof(ScenarioArbitraries) }, MaxTest = 300)]
    public void NothingOutsideTheWhitelistIsEverAllowed(Scenario scenario) => CheckAgainstTheReference(scenario);

    [Property(Arbitrary = new[] { typeof(CrowdedScenarioArbitraries) }, MaxTest = 300)]
    public void ManyLinesForOneServiceJudgeAsTheyDoOneByOne(Scenario scenario) => CheckAgainstTheReference(scenario);

    [Property(Arbitrary = new[] { typeof(ScenarioArbitraries) })]
    public void AnEmptyWhitelistAllowsNothingAndOpensNothing(Scenario scenario)
    {
        var empty = scenario with { Entries = [] };

        var report = empty.Decide();
        var grants = GrantBuilder.Build(scenario.Vm, report);

        Assert.That(report.Verdicts.Select(v => v.Kind), Is.All.EqualTo(VerdictKind.Block));
        Assert.That(grants.Inbound, Is.Empty);
        Assert.That(grants.Outbound, Is.Empty);
    }

    [Property(Arbitrary = new[] { typeof(ScenarioArbitraries) }, MaxTest = 300)]
    public void EveryGrantComesFromAnAllowedSocketAndStaysWithinItsLine(Scenario scenario)
    {
        var report = scenario.Decide();
        var grants = GrantBuilder.Build(scenario.Vm, report);
        var allowed = report.Verdicts.Where(v => v.Kind == VerdictKind.Allow).ToList();

        foreach (var grant in grants.Inbound)
        {
            Assert.That(scenario.Vm.Addresses, Does.Contain(grant.VmAddress));
            Assert.That(grant.Remote.IsAny, Is.False, "an inbound grant's remote is always a concrete prefix");
            Assert.That(grant.Remote.Family, Is.EqualTo(grant.VmAddress.AddressFamily));
            var sources = allowed.Where(v =>
                v.Direction == TrafficDirection.In
                && ReferenceJudge.Serves(v.Socket)
                && v.Socket.Protocol == grant.Protocol
                && v.Socket.LocalPort == grant.Port
                && (ReferenceJudge.Unmap(v.Socket.LocalAddress).Equals(grant.VmAddress)
                    || (ReferenceJudge.IsUnset(ReferenceJudge.Unmap(v.Socket.LocalAddress))
                        && ReferenceJudge.Unmap(v.Socket.LocalAddress).AddressFamily == grant.VmAddress.AddressFamily)
                    || (ReferenceJudge.IsDualStack(v.Socket) && grant.VmAddress.AddressFamily == AddressFamily.InterNetwork))
                && v.GrantingEntries.Any(e => Within(grant, e)));
            Assert.That(sources, Is.Not.Empty, $"no allowed listener and line for {grant}");
        }

        foreach (var grant in grants.Outbound)
        {
            Assert.That(scenario.Vm.Addresses, Does.Contain(grant.VmAddress));
            var sources = allowed.Where(v =>
                v.Direction == TrafficDirection.Out
                && v.Socket.Protocol == grant.Protocol
                && ReferenceJudge.Unmap(v.Socket.LocalAddress).Equals(grant.VmAddress)
                && v.Socket.LocalPort == grant.LocalPort
                && ReferenceJudge.Unmap(v.Socket.RemoteAddress).Equals(grant.RemoteAddress)
                && v.Socket.RemotePort == grant.RemotePort
                && v.Entry!.Remote.Contains(grant.RemoteAddress)
                && v.Entry.RemotePort.Contains(grant.RemotePort)
                && v.Entry.LocalPort.Contains(grant.LocalPort));
            Assert.That(sources, Is.Not.Empty, $"no allowed client socket and line for {grant}");
        }
    }

    [Property(Arbitrary = new[] { typeof(ScenarioArbitraries) }, MaxTest = 300)]
    public void GrantsDoNotDependOnTheOrderOfTheConnectionList(Scenario scenario)
    {
        var engine = new VerdictEngine(scenario.Whitelist, scenario.Vm.Name);

        var grants = GrantBuilder.Build(scenario.Vm, engine.Decide(scenario.Vm.Name, scenario.Processes));
        var reordered = GrantBuilder.Build(scenario.Vm, engine.Decide(scenario.Vm.Name, scenario.Shuffled));

        Assert.That(reordered.Inbound, Is.EqualTo(grants.Inbound));
        Assert.That(reordered.Outbound, Is.EqualTo(grants.Outbound));
        Assert.That(grants.Inbound, Is.Ordered.Using(InboundGrantComparer.Instance).And.Unique);
        Assert.That(grants.Outbound, Is.Ordered.Using(OutboundGrantComparer.Instance).And.Unique);
    }

    private static bool Within(InboundGrant grant, WhitelistEntry entry) =>
        entry.Protocol == grant.Protocol
        && entry.Direction == TrafficDirection.In
        && entry.LocalPort.Contains(grant.Port)
        && entry.Remote.Covers(grant.Remote)
        && entry.RemotePort == grant.RemotePort;

    private static bool IsIPv6Wildcard(GuestSocket socket) =>
        socket.LocalAddress.Equals(IPAddress.IPv6Any) && socket.RemoteAddress.Equals(IPAddress.IPv6Any);

    private static List<VerdictKind> Holders(VerdictReport report, ulong inode) =>
    [
        .. report.Verdicts.Where(v => v.Socket.Inode == inode).Select(v => v.Kind),
        .. report.Discarded.Where(d => d.Socket.Inode == inode).Select(_ => VerdictKind.Block),
    ];

    /// <summary>Every verdict is the one the plain reference judge gives, line by line with no index.</summary>
    private static void CheckAgainstTheReference(Scenario scenario)
    {
        var report = scenario.Decide();
        var vm = scenario.Vm.Name;
        bool Judged(GuestProcess process, GuestSocket socket) =>
            report.Verdicts.Any(v => ReferenceEquals(v.Process, process) && ReferenceEquals(v.Socket, socket));

        foreach (var verdict in report.Verdicts)
        {
            var direction = ReferenceJudge.Direction(verdict.Process, verdict.Socket, Judged);
            Assert.That(verdict.Direction, Is.EqualTo(direction), $"direction of {verdict.Socket}");
            var matching = direction is { } d
                ? scenario.Entries.Where(e => ReferenceJudge.Matches(e, vm, verdict.Process, verdict.Socket, d)).ToList()
                : [];

            if (verdict.Kind == VerdictKind.Allow)
            {
                Assert.That(verdict.Entry, Is.SameAs(matching.FirstOrDefault()), $"the first line matching {verdict.Socket}");
                Assert.That(verdict.Reason, Is.EqualTo(verdict.Entry!.Location));
                var granting = ReferenceJudge.Serves(verdict.Socket) ? matching : matching.Take(1);
                Assert.That(verdict.GrantingEntries, Is.EqualTo(granting));
                Assert.That(Holders(report, verdict.Socket.Inode), Is.All.EqualTo(VerdictKind.Allow), "every holder of an allowed socket is allowed");
            }
            else
            {
                Assert.That(verdict.Entry, Is.Null);
                Assert.That(verdict.GrantingEntries, Is.Empty);
                if (matching.Count == 0 && ReferenceJudge.Serves(verdict.Socket) && IsIPv6Wildcard(verdict.Socket))
                {
                    // Only a listener on '::' that may be IPv6-only explains why IPv4 lines did not open it.
                    Assert.That(
                        verdict.Reason.Contains("IPV6_V6ONLY", StringComparison.Ordinal),
                        Is.EqualTo(!ReferenceJudge.IsDualStack(verdict.Socket)),
                        verdict.Reason);
                }

                if (matching.Count > 0)
                {
                    Assert.That(verdict.Reason, Does.StartWith($"socket inode {verdict.Socket.Inode} is also held by pid"));
                    Assert.That(
                        Holders(report, verdict.Socket.Inode).Count(kind => kind != VerdictKind.Allow),
                        Is.GreaterThan(1),
                        "a socket with a matching line is blocked only for another holder that is not allowed");
                }
            }
        }

        var judged = scenario.Processes.Sum(p => p.Sockets.Count);
        Assert.That(report.Verdicts.Count + report.Discarded.Count, Is.EqualTo(judged), "every socket is judged or discarded, once");
        Assert.That(report.Discarded.Where(d => d.Process.IsKernelThread).Count(), Is.EqualTo(scenario.Processes.Where(p => p.IsKernelThread).Sum(p => p.Sockets.Count)));
    }
}
