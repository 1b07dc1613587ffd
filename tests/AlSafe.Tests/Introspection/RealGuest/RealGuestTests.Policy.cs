using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Introspection.RealGuest;

/// <summary>The policy stage on the real guest's connection list: the lab whitelist (tests/lab/whitelist.d/lab.tsv)
/// judged against what introspection found, and the switch and edge rules that follow.</summary>
public abstract partial class RealGuestTests
{
    private const string Vm = "lab1";

    [Test]
    public void The_lab_whitelist_opens_exactly_its_services_on_both_firewalls()
    {
        var snapshot = new Introspector([LabProfiles.Built]).Introspect(Session.Memory);
        var loaded = WhitelistDirectory.LoadFile(Path.Combine(LabAssets.RepositoryRoot, "tests", "lab", "whitelist.d", "lab.tsv"));
        Assert.That(loaded.Errors, Is.Empty);
        var report = new VerdictEngine(loaded.Whitelist!, Vm).Decide(Vm, snapshot.Processes);
        var port = new VmPort(Vm, 5, MacAddress.Parse("52:54:00:a1:5a:10"), [LabLayout.GuestIPv4, LabLayout.GuestIPv6], 7, RuleCookie.ForVm(Vm));
        var grants = GrantBuilder.Build(port, report);
        var flows = FlowPlanner.Plan(grants);
        var edge = EdgePlanner.Plan(grants);
        TestContext.Out.WriteLine(OfctlFormatter.Plan(flows));
        TestContext.Out.WriteLine(NftFormatter.Add(edge));

        Assert.Multiple(() =>
        {
            Assert.That(Listener(report, LabLayout.HttpdPort).Kind, Is.EqualTo(VerdictKind.Allow), "busybox httpd, by comm");
            Assert.That(Listener(report, LabLayout.HttpdPort).Socket.V6Only, Is.False, "httpd's [::]:80 takes IPv4 too");
            Assert.That(Listener(report, LabLayout.NcListenPort).Kind, Is.EqualTo(VerdictKind.Block), "nc is on no line");
            Assert.That(Listener(report, LabLayout.WorkerPort).Reason, Does.EndWith("lab.tsv:4"), "worker by its path");
            Assert.That(Listener(report, LabLayout.TenantWorkerPort).Kind, Is.EqualTo(VerdictKind.Block),
                "the same comm from another path is not the whitelisted worker");
            Assert.That(Listener(report, LabLayout.NonRootPort).Reason, Does.EndWith("lab.tsv:5"), "uid 1000");
            Assert.That(report.Discarded, Is.Empty);
        });

        var v4 = AddressPrefix.Create(IPAddress.Any, 0);
        var v6 = AddressPrefix.Create(IPAddress.IPv6Any, 0);
        var tcp = SocketProtocol.Tcp;
        var udp = SocketProtocol.Udp;
        Assert.That(grants.Inbound.Select(g => (g.VmAddress, g.Protocol, g.Port, g.Remote)), Is.EquivalentTo(new[]
        {
            (LabLayout.GuestIPv4, tcp, LabLayout.HttpdPort, v4),
            (LabLayout.GuestIPv4, tcp, LabLayout.TcpListenPort, v4),
            (LabLayout.GuestIPv4, tcp, LabLayout.TcpListenDualPort, v4),
            (LabLayout.GuestIPv4, tcp, LabLayout.WorkerPort, AddressPrefix.Create(IPAddress.Parse("192.0.2.0"), 24)),
            (LabLayout.GuestIPv4, tcp, LabLayout.NonRootPort, v4),
            (LabLayout.GuestIPv4, udp, LabLayout.UdpBindPort, v4),
            (LabLayout.GuestIPv6, tcp, LabLayout.HttpdPort, v6),
            (LabLayout.GuestIPv6, tcp, LabLayout.TcpListen6Port, v6),
            (LabLayout.GuestIPv6, tcp, LabLayout.TcpListenDualPort, v6),
            (LabLayout.GuestIPv6, udp, LabLayout.UdpBind6Port, v6),
        }));
        foreach (var grant in grants.Inbound)
        {
            Assert.That(flows.Flows.Any(f => f.Table == FlowTable.Ingress && f.Match.TpDst?.Value == grant.Port
                                             && f.Match.IpDst == AddressPrefix.Host(grant.VmAddress)),
                Is.True, $"a switch flow admits {grant}");
            Assert.That(edge.Elements.Any(e => e.Direction == TrafficDirection.In && e.VmPort == grant.Port
                                               && e.VmAddress.Equals(grant.VmAddress) && e.Remote.Covers(grant.Remote)),
                Is.True, $"an edge element admits {grant}");
        }
    }

    private static Verdict Listener(VerdictReport report, ushort port) =>
        report.Verdicts.Single(v => v.Socket.LocalPort == port && v.Socket.State is SocketState.Listen or SocketState.Close);
}
