using AlSafe.Core.Adaptation;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using NUnit.Framework;
using static AlSafe.Core.Introspection.Model.SocketProtocol;
using static AlSafe.Core.Whitelist.TrafficDirection;
using static AlSafe.Tests.Decisions.Guest;
using static AlSafe.Tests.Decisions.Lines;

namespace AlSafe.Tests.Adaptation;

public sealed class VerdictDeltaTests
{
    private static readonly VerdictEngine Only80 = new(WhitelistOf(Line(1, "nginx", Tcp, In, "80")), "web1");
    private static readonly VerdictEngine Both = new(WhitelistOf(Line(1, "nginx", Tcp, In, "80"), Line(2, "nginx", Tcp, In, "443")), "web1");
    private static readonly GuestSocket Http = Listener("0.0.0.0", 80, inode: 80);
    private static readonly GuestSocket Https = Listener("0.0.0.0", 443, inode: 443);

    [Test]
    public void EverySocketOfTheFirstCycleHasAppeared()
    {
        var delta = VerdictDelta.Between(null, Only80.Decide("web1", [Nginx(Http, Https)]));

        Assert.That(delta.Appeared.Select(v => (v.Socket.LocalPort, v.Kind)), Is.EqualTo(new[] { ((ushort)80, VerdictKind.Allow), ((ushort)443, VerdictKind.Block) }));
        Assert.That(delta.Gone, Is.Empty);
        Assert.That(delta.IsEmpty, Is.False);
    }

    [Test]
    public void TheSameSocketsWithTheSameVerdictsAreNoNews()
    {
        var before = Only80.Decide("web1", [Nginx(Http, Https)]);

        Assert.That(VerdictDelta.Between(before, Only80.Decide("web1", [Nginx(Http with { Fd = 9 }, Https)])).IsEmpty, Is.True);
    }

    [Test]
    public void ASocketThatIsNoLongerThereIsGone()
    {
        var before = Only80.Decide("web1", [Nginx(Http, Https)]);

        var delta = VerdictDelta.Between(before, Only80.Decide("web1", [Nginx(Http)]));

        Assert.That(delta.Gone.Select(v => v.Socket), Is.EqualTo(new[] { Https }));
        Assert.That(delta.Appeared, Is.Empty);
    }

    [Test]
    public void ASocketWhoseVerdictChangedAppearsAgainWithTheNewVerdict()
    {
        var before = Only80.Decide("web1", [Nginx(Http, Https)]);

        var delta = VerdictDelta.Between(before, Both.Decide("web1", [Nginx(Http, Https)]));

        Assert.That(delta.Appeared.Select(v => (v.Socket, v.Kind)), Is.EqualTo(new[] { (Https, VerdictKind.Allow) }));
        Assert.That(delta.Gone, Is.Empty);
    }

    [Test]
    public void ASocketOfAnotherProcessOrInodeIsAnotherSocket()
    {
        var before = Both.Decide("web1", [Nginx(Http)]);

        var otherProcess = VerdictDelta.Between(before, Both.Decide("web1", [Process(101, "nginx", "/usr/sbin/nginx", Http)]));
        var otherInode = VerdictDelta.Between(before, Both.Decide("web1", [Nginx(Http with { Inode = 81 })]));

        Assert.That((otherProcess.Appeared.Count, otherProcess.Gone.Count), Is.EqualTo((1, 1)));
        Assert.That((otherInode.Appeared.Count, otherInode.Gone.Count), Is.EqualTo((1, 1)));
    }

    [Test]
    public void AConnectionThatChangesStateIsTheSameSocket()
    {
        var curl = new VerdictEngine(WhitelistOf(Line(1, "curl", Tcp, Out, remote: "203.0.113.7", remotePort: "443")), "web1");
        var connecting = TcpSocket("10.0.0.5", 40000, "203.0.113.7", 443, SocketState.SynSent, inode: 77);
        var before = curl.Decide("web1", [Process(200, "curl", "/usr/bin/curl", connecting)]);

        var delta = VerdictDelta.Between(before, curl.Decide("web1", [Process(200, "curl", "/usr/bin/curl", connecting with { State = SocketState.Established })]));

        Assert.That(delta.IsEmpty, Is.True);
    }

    [Test]
    public void OnlyNewlyDiscardedSocketsAreReported()
    {
        var nginx = Nginx();
        var old = new DiscardedSocket(nginx, Listener("0.0.0.0", 0, inode: 1), "port 0 on a listener");
        var fresh = new DiscardedSocket(nginx, Listener("0.0.0.0", 0, inode: 2), "port 0 on a listener");

        var delta = VerdictDelta.Between(new VerdictReport("web1", [], [old]), new VerdictReport("web1", [], [old, fresh]));

        Assert.That(delta.NewlyDiscarded, Is.EqualTo(new[] { fresh }));
        Assert.That(delta.IsEmpty, Is.False);
        Assert.That(VerdictDelta.Between(new VerdictReport("web1", [], [old, fresh]), new VerdictReport("web1", [], [fresh])).IsEmpty, Is.True);
    }
}
