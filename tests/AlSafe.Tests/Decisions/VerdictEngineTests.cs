using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;
using NUnit.Framework;
using static AlSafe.Core.Introspection.Model.SocketProtocol;
using static AlSafe.Core.Whitelist.TrafficDirection;
using static AlSafe.Tests.Decisions.Guest;
using static AlSafe.Tests.Decisions.Lines;

namespace AlSafe.Tests.Decisions;

public sealed class VerdictEngineTests
{
    private const string Vm = "web1";

    [Test]
    public void AListenerNamedByALineIsAllowedByThatLine()
    {
        var verdict = Decide([Line(3, "/usr/sbin/nginx", Tcp, In, "80")], Nginx(Listener("0.0.0.0", 80))).Verdicts.Single();

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Allow));
        Assert.That(verdict.Direction, Is.EqualTo(In));
        Assert.That(verdict.Entry!.Line, Is.EqualTo(3));
        Assert.That(verdict.Reason, Is.EqualTo("tenant.wl:3"));
    }

    [Test]
    public void ASocketNoLineNamesIsDeniedByDefault()
    {
        var verdict = Decide([Line(1, "nginx", Tcp, In, "443")], Nginx(Listener("0.0.0.0", 80))).Verdicts.Single();

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(verdict.Entry, Is.Null);
        Assert.That(verdict.GrantingEntries, Is.Empty);
        Assert.That(verdict.Reason, Does.StartWith("denied by default"));
    }

    [Test]
    public void TheFirstMatchingLineInFileOrderWinsAcrossPathCommAndPortLines()
    {
        var listener = Nginx(Listener("0.0.0.0", 80));

        Assert.That(
            Decide([Line(1, "nginx", Tcp, In, "1-1024"), Line(2, "/usr/sbin/nginx", Tcp, In, "80")], listener).Verdicts[0].Entry!.Line,
            Is.EqualTo(1));
        Assert.That(
            Decide([Line(1, "/usr/sbin/nginx", Tcp, In, "80"), Line(2, "nginx", Tcp, In, "*")], listener).Verdicts[0].Entry!.Line,
            Is.EqualTo(1));
        Assert.That(
            Decide([Line(1, "nginx", Tcp, In, "81"), Line(2, "nginx", Tcp, In, "*"), Line(3, "nginx", Tcp, In, "80")], listener).Verdicts[0].Entry!.Line,
            Is.EqualTo(2));
    }

    [Test]
    public void APathLineMatchesTheExecutableAndACommLineTheComm()
    {
        WhitelistEntry[] lines = [Line(1, "/usr/sbin/nginx", Tcp, In, "80"), Line(2, "sshd", Tcp, In, "22")];

        var report = Decide(
            lines,
            Process(10, "nginx", "/opt/evil/nginx", Listener("0.0.0.0", 80)),
            Process(11, "/usr/sbin/nginx", "/usr/bin/python3", Listener("0.0.0.0", 80)),
            Process(12, "sshd", "/anything/at/all", Listener("0.0.0.0", 22)),
            Process(13, "nginx", null, Listener("0.0.0.0", 80)));

        Assert.That(report.Verdicts.Select(v => v.Kind), Is.EqualTo(new[] { VerdictKind.Block, VerdictKind.Block, VerdictKind.Allow, VerdictKind.Block }));
    }

    [Test]
    public void AUidColumnMustEqualTheProcesssUid()
    {
        var process = Nginx(Listener("0.0.0.0", 80));

        Assert.That(Decide([Line(1, "nginx", Tcp, In, uid: 0)], process).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(Decide([Line(1, "nginx", Tcp, In, uid: 1000)], process).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Allow));
        Assert.That(Decide([Line(1, "nginx", Tcp, In)], process).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Allow));
    }

    [Test]
    public void ALineForAnotherVmNeverAppliesAndAStarLineAppliesToEvery()
    {
        var process = Nginx(Listener("0.0.0.0", 80));

        Assert.That(Decide([Line(1, "nginx", Tcp, In, vm: "db1")], process).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(Decide([Line(1, "nginx", Tcp, In, vm: "WEB1")], process).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(Decide([Line(1, "nginx", Tcp, In, vm: Vm)], process).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Allow));
        Assert.That(Decide([Line(1, "nginx", Tcp, In)], process).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Allow));
        Assert.That(
            CompiledWhitelist.Compile(WhitelistOf(Line(1, "a", Tcp, In, vm: "db1"), Line(2, "b", Tcp, In)), Vm).Entries.Select(e => e.Line),
            Is.EqualTo(new[] { 2 }));
    }

    [Test]
    public void ProtocolAndDirectionMustBeTheSocketsOwn()
    {
        var listener = Nginx(Listener("0.0.0.0", 80));
        var client = Nginx(TcpSocket("10.0.0.5", 40000, "192.0.2.7", 80, SocketState.Established));

        Assert.That(Decide([Line(1, "nginx", Udp, In)], listener).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(Decide([Line(1, "nginx", Tcp, Out)], listener).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(Decide([Line(1, "nginx", Tcp, In)], client).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(Decide([Line(1, "nginx", Tcp, Out)], client).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Allow));
    }

    [Test]
    public void AClientMatchesOnlyLinesCoveringItsRemoteAddressAndPort()
    {
        WhitelistEntry[] lines = [Line(1, "curl", Tcp, Out, remote: "192.0.2.0/24", remotePort: "443")];
        GuestProcess Curl(string remote, int port, string local = "10.0.0.5") =>
            Process(7, "curl", "/usr/bin/curl", TcpSocket(local, 40000, remote, port, SocketState.Established));

        Assert.That(Decide(lines, Curl("192.0.2.9", 443)).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Allow));
        Assert.That(Decide(lines, Curl("192.0.3.9", 443)).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(Decide(lines, Curl("192.0.2.9", 80)).Verdicts[0].Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(
            Decide(lines, Curl("::ffff:192.0.2.9", 443, "::ffff:10.0.0.5")).Verdicts[0].Kind,
            Is.EqualTo(VerdictKind.Allow),
            "an IPv4 peer of an inet6 socket");
    }

    [Test]
    public void AnAcceptedChildMatchesInLinesWithItsRemoteAddressAndPort()
    {
        WhitelistEntry[] lines = [Line(1, "nginx", Tcp, In, "80", "10.0.0.0/8", "1024-65535")];

        var report = Decide(
            lines,
            Nginx(
                Listener("0.0.0.0", 80),
                TcpSocket("10.0.0.5", 80, "10.9.9.9", 51000, SocketState.Established),
                TcpSocket("10.0.0.5", 80, "192.0.2.7", 51000, SocketState.Established),
                TcpSocket("10.0.0.5", 80, "10.9.9.9", 1000, SocketState.Established)));

        Assert.That(report.Verdicts.Select(v => v.Direction), Is.All.EqualTo(In));
        Assert.That(
            report.Verdicts.Select(v => v.Kind),
            Is.EqualTo(new[] { VerdictKind.Allow, VerdictKind.Allow, VerdictKind.Block, VerdictKind.Block }));
    }

    [Test]
    public void AListenerIsAllowedByItsFirstLineAndOpenedByEveryMatchingLine()
    {
        WhitelistEntry[] lines =
        [
            Line(1, "nginx", Tcp, In, "443"),
            Line(2, "nginx", Tcp, In, "80", "10.0.0.0/8"),
            Line(3, "nginx", Tcp, Out),
            Line(4, "nginx", Tcp, In, "80", "2001:db8::/32"),
            Line(5, "/usr/sbin/nginx", Tcp, In, "1-1024", "192.0.2.0/24", "1024-65535"),
        ];

        var verdict = Decide(lines, Nginx(Listener("0.0.0.0", 80))).Verdicts.Single();

        Assert.That(verdict.Entry!.Line, Is.EqualTo(2));
        Assert.That(verdict.GrantingEntries.Select(e => e.Line), Is.EqualTo(new[] { 2, 5 }), "the IPv6 line cannot reach an IPv4 listener");
    }

    [Test]
    public void AWildcardIPv6ListenerWhoseV6OnlyIsUnknownIsNotOpenedByIPv4Lines()
    {
        var verdict = Decide([Line(1, "nginx", Tcp, In, "80", "10.0.0.0/8")], Nginx(Listener("::", 80))).Verdicts.Single();

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(verdict.Reason, Does.Contain("IPV6_V6ONLY cannot be seen"));
    }

    [Test]
    public void AnIPv6OnlyWildcardListenerIsNotOpenedByIPv4Lines()
    {
        var verdict = Decide(
            [Line(1, "nginx", Tcp, In, "80", "10.0.0.0/8"), Line(2, "nginx", Udp, In, "80")],
            Nginx(Listener("::", 80) with { V6Only = true })).Verdicts.Single();

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(verdict.Reason, Does.Contain("IPV6_V6ONLY is set"));
    }

    [TestCase(Tcp)]
    [TestCase(Udp)]
    public void ADualStackWildcardSocketIsOpenedByLinesOfEitherFamily(SocketProtocol protocol)
    {
        WhitelistEntry[] lines =
        [
            Line(1, "nginx", protocol, In, "80", "10.0.0.0/8"),
            Line(2, "nginx", protocol, In, "80", "2001:db8::/32"),
            Line(3, "nginx", protocol, Out),
            Line(4, "nginx", protocol, In, "80"),
        ];
        var socket = protocol == Tcp ? Listener("::", 80) : UdpSocket("::", 80, "::", 0, SocketState.Close);

        var verdict = Decide(lines, Nginx(socket with { V6Only = false })).Verdicts.Single();

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Allow));
        Assert.That(verdict.Entry!.Line, Is.EqualTo(1), "an IPv4 line opens a dual-stack socket");
        Assert.That(verdict.GrantingEntries.Select(e => e.Line), Is.EqualTo(new[] { 1, 2, 4 }));
    }

    [Test]
    public void ADualStackListenerMeetsIPv4LinesThroughTheRemoteIndexToo()
    {
        // Eight lines or more for one port are looked up by remote: the IPv4 line at 5 must still be the first match.
        var lines = Enumerable.Range(1, 12)
            .Select(n => Line(n, "nginx", Tcp, In, "80", n == 5 ? "192.0.2.0/24" : $"2001:db8:{n:x}::/48"))
            .ToArray();
        WhitelistEntry[] ipv4First = [Line(1, "nginx", Tcp, In, "80", "198.51.100.0/24"), .. lines.Skip(1)];

        var dualStack = Nginx(Listener("::", 80) with { V6Only = false });
        var ipv6Only = Nginx(Listener("::", 80) with { V6Only = true });

        Assert.That(Decide(lines, dualStack).Verdicts.Single().GrantingEntries, Has.Count.EqualTo(12));
        Assert.That(Decide(ipv4First, dualStack).Verdicts.Single().Entry!.Line, Is.EqualTo(1));
        Assert.That(Decide(ipv4First, ipv6Only).Verdicts.Single().Entry!.Line, Is.EqualTo(2));
        Assert.That(Decide(ipv4First, ipv6Only).Verdicts.Single().GrantingEntries.Select(e => e.Line), Does.Not.Contain(1).And.Not.Contain(5));
    }

    [Test]
    public void AListenerOnOneIPv6AddressIsNeverDualStack()
    {
        var verdict = Decide(
            [Line(1, "nginx", Tcp, In, "80", "10.0.0.0/8")],
            Nginx(Listener("2001:db8::5", 80) with { V6Only = false })).Verdicts.Single();

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(verdict.Reason, Is.EqualTo("denied by default: no whitelist line matches"));
    }

    [Test]
    public void ABlockedDualStackListenerIsDeniedWithoutMentioningV6Only()
    {
        var verdict = Decide([Line(1, "nginx", Tcp, In, "443")], Nginx(Listener("::", 80) with { V6Only = false })).Verdicts.Single();

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(verdict.Reason, Is.EqualTo("denied by default: no whitelist line matches"));
    }

    [Test]
    public void IdleSocketsAreBlockedWithoutADirection()
    {
        var verdict = Decide([Line(1, "nginx", Tcp, In), Line(2, "nginx", Tcp, Out)], Nginx(TcpSocket("0.0.0.0", 0, "0.0.0.0", 0, SocketState.Close)))
            .Verdicts.Single();

        Assert.That(verdict.Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(verdict.Direction, Is.Null);
        Assert.That(verdict.Reason, Is.EqualTo("not using the network (tcp CLOSE, unbound)"));
    }

    [Test]
    public void ImplausibleSocketsAreDiscardedWithoutAVerdict()
    {
        var report = Decide([Line(1, "nginx", Tcp, In)], Nginx(Listener("0.0.0.0", 0), Listener("0.0.0.0", 80)));

        Assert.That(report.Verdicts.Select(v => v.Socket.LocalPort), Is.EqualTo(new[] { 80 }));
        Assert.That(report.Discarded.Single().Socket.LocalPort, Is.Zero);
        Assert.That(report.Discarded.Single().Reason, Does.Contain("port 0"));
    }

    [Test]
    public void AKernelThreadGetsNoVerdict()
    {
        var kthread = new GuestProcess(2, 2, 0, "kthreadd", 0, null, IsKernelThread: true, [Listener("0.0.0.0", 80)], 0);

        var report = Decide([Line(1, "kthreadd", Tcp, In)], kthread);

        Assert.That(report.Verdicts, Is.Empty);
        Assert.That(report.Discarded, Has.Count.EqualTo(1));
    }

    [Test]
    public void ASocketSharedWithAProcessThatIsNotAllowedIsBlockedForEveryHolder()
    {
        var shared = Listener("0.0.0.0", 80, inode: 4242);
        var master = Process(100, "nginx", "/usr/sbin/nginx", shared);
        var intruder = Process(200, "nc", "/usr/bin/nc", shared);

        var report = Decide([Line(1, "nginx", Tcp, In)], master, intruder);

        Assert.That(report.Verdicts.Select(v => v.Kind), Is.All.EqualTo(VerdictKind.Block));
        Assert.That(report.Verdicts[0].Reason, Is.EqualTo("socket inode 4242 is also held by pid 200 (nc), which is not allowed"));
        Assert.That(report.Verdicts[0].Entry, Is.Null);
        Assert.That(report.Verdicts[0].GrantingEntries, Is.Empty);
        Assert.That(report.Verdicts[0].Direction, Is.EqualTo(In));
    }

    [Test]
    public void ASocketSharedByAllowedProcessesStaysAllowed()
    {
        var shared = Listener("0.0.0.0", 80, inode: 4242);

        var report = Decide(
            [Line(1, "nginx", Tcp, In)],
            Process(100, "nginx", "/usr/sbin/nginx", shared),
            Process(101, "nginx", "/usr/sbin/nginx", shared, TcpSocket("0.0.0.0", 0, "0.0.0.0", 0, SocketState.Close)));

        Assert.That(report.Verdicts.Take(2).Select(v => v.Kind), Is.All.EqualTo(VerdictKind.Allow));
    }

    [Test]
    public void AShareWithADiscardedHolderFailsClosed()
    {
        var shared = TcpSocket("10.0.0.5", 40000, "192.0.2.7", 443, SocketState.Established, inode: 77);

        var report = Decide(
            [Line(1, "curl", Tcp, Out)],
            Process(7, "curl", "/usr/bin/curl", shared),
            Process(8, "curl", "/usr/bin/curl", shared with { RemotePort = 0 }));

        Assert.That(report.Verdicts.Single().Kind, Is.EqualTo(VerdictKind.Block));
        Assert.That(report.Verdicts.Single().Reason, Does.Contain("pid 8 (curl)"));
    }

    [Test]
    public void VerdictsFollowTheConnectionListsOrder()
    {
        var report = Decide(
            [],
            Process(3, "b", null, Listener("0.0.0.0", 2), Listener("0.0.0.0", 1)),
            Process(1, "a", null, Listener("0.0.0.0", 3)));

        Assert.That(report.Verdicts.Select(v => v.Socket.LocalPort), Is.EqualTo(new[] { 2, 1, 3 }));
    }

    [Test]
    public void AnEngineJudgesOnlyTheVmItWasCompiledFor()
    {
        var engine = new VerdictEngine(WhitelistOf(), Vm);

        Assert.That(() => engine.Decide("db1", []), Throws.ArgumentException.With.Message.Contains("web1"));
        Assert.That(engine.Decide(Vm, []).Vm, Is.EqualTo(Vm));
    }

    private static VerdictReport Decide(WhitelistEntry[] lines, params GuestProcess[] processes) =>
        new VerdictEngine(WhitelistOf(lines), Vm).Decide(Vm, processes);
}
