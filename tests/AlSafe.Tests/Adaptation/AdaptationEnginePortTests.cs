using AlSafe.Core.Adaptation;
using AlSafe.Core.Ports;
using AlSafe.Core.Rules.Switch;
using NUnit.Framework;
using static AlSafe.Tests.Adaptation.AdaptationHarness;

namespace AlSafe.Tests.Adaptation;

/// <summary>Ports that come and go after the start: default deny at once, the first cycle's grants next, withdrawal.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class AdaptationEnginePortTests
{
    [Test]
    public async Task APortAddedAfterTheStartIsDeniedEverythingThenGetsItsFirstCyclesGrants(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: TimeSpan.FromHours(1)));
        lab.Guests["web1"].Always(WebGuest.Serving(80));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"));
        await lab.Engine.StartAsync(cancellationToken);

        await lab.AddPortAsync("web1", 5, cancellationToken);

        await WaitUntilAsync(() => lab.Points.All(point => lab.CallsOn(point, PointCallKind.Enforce, "web1").Count >= 2),
            "web1's default deny and first grants on both points", cancellationToken);
        foreach (var point in lab.Points)
        {
            var enforced = lab.CallsOn(point, PointCallKind.Enforce, "web1").Select(call => call.Grants!).ToList();
            Assert.That(enforced[0].Inbound, Is.Empty, $"{point.Name}: the first rules of a new port deny everything");
            Assert.That(enforced[0].Outbound, Is.Empty);
            Assert.That(enforced[0].Vm.OfPort, Is.EqualTo(5));
            Assert.That(enforced[1].Inbound, Is.EquivalentTo(WebGuest.Inbound("10.0.0.5", 80)));
            Assert.That(lab.CallsOn(point, PointCallKind.Stage, "web1"), Is.Empty);
        }

        Assert.That(lab.Observer.Ports, Has.One.InstanceOf<VmPortAdded>());
        await WaitUntilAsync(() => lab.Engine.Status("web1")?.State == VmState.Protected, "web1 protected", cancellationToken);
        Assert.That(lab.StatusOf("web1").OfPort, Is.EqualTo(5));
        Assert.That(lab.Engine.VmOfCookie(RuleCookie.ForVm("web1")), Is.EqualTo("web1"));
        Assert.That(lab.Engine.VmOfCookie(RuleCookie.ForVm("web2")), Is.Null);
    }

    [Test]
    public async Task ARemovedPortIsWithdrawnFromEveryPointAndAnUndescribedVmIsForgotten(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: TimeSpan.FromHours(1)));
        lab.Guests["web1"].Always(WebGuest.Serving(80));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"));
        await lab.AddPortAsync("web1", 5, cancellationToken);
        await lab.AddPortAsync("stray", 7, cancellationToken);
        await lab.Engine.StartAsync(cancellationToken);

        await lab.RemovePortAsync("web1", 5, cancellationToken);
        await lab.RemovePortAsync("stray", 7, cancellationToken);

        foreach (var point in lab.Points)
        {
            Assert.That(lab.CallsOn(point, PointCallKind.Withdraw, "web1").Single().Port!.OfPort, Is.EqualTo(5));
            Assert.That(lab.CallsOn(point, PointCallKind.Withdraw, "stray").Single().Port!.OfPort, Is.EqualTo(7));
        }

        var web1 = lab.StatusOf("web1");
        Assert.That(web1.State, Is.EqualTo(VmState.NoPort), "a described VM stays known without its port");
        Assert.That(web1.Enforced, Is.Null);
        Assert.That(web1.Report, Is.Null);
        Assert.That(lab.Guests["web1"].Disposals, Is.EqualTo(lab.Guests["web1"].Opens), "the guest was closed");
        Assert.That(lab.Engine.Status("stray"), Is.Null, "a VM with neither port nor descriptor is forgotten");
        Assert.That(lab.Engine.Trigger("stray"), Is.False);
        Assert.That(lab.Engine.VmOfCookie(RuleCookie.ForVm("web1")), Is.Null);
    }

    [Test]
    public async Task AReturningPortIsDeniedEverythingAgainUntilItsNextCycle(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: TimeSpan.FromHours(1)));
        lab.Guests["web1"].Always(WebGuest.Serving(80));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"));
        await lab.AddPortAsync("web1", 5, cancellationToken);
        await lab.Engine.StartAsync(cancellationToken);
        await lab.RemovePortAsync("web1", 5, cancellationToken);

        await lab.AddPortAsync("web1", 9, cancellationToken);

        await WaitUntilAsync(() => lab.CallsOn(lab.Edge, PointCallKind.Enforce, "web1").Count >= 2, "web1's rules on its new port", cancellationToken);
        var enforced = lab.CallsOn(lab.Edge, PointCallKind.Enforce, "web1").Select(call => call.Grants!).ToList();
        Assert.That(enforced[0].Inbound, Is.Empty);
        Assert.That(enforced[0].Vm.OfPort, Is.EqualTo(9));
        Assert.That(enforced[1].Inbound, Is.EquivalentTo(WebGuest.Inbound("10.0.0.5", 80)));
    }

    [Test]
    public async Task ASecondNicAndAPortWithoutMacAreNotBound(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: TimeSpan.FromHours(1)));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"), Descriptor("db1", "10.0.0.8"));
        await lab.AddPortAsync("web1", 5, cancellationToken);
        await lab.Engine.StartAsync(cancellationToken);

        await lab.Engine.HandlePortEventAsync(new VmPortAdded(Binding("web1", 6, nic: "second")), cancellationToken);
        await lab.Engine.HandlePortEventAsync(new VmPortAdded(Binding("db1", 8) with { Mac = null }), cancellationToken);

        Assert.That(lab.StatusOf("web1").OfPort, Is.EqualTo(5), "the VM keeps its first NIC");
        Assert.That(lab.StatusOf("db1").State, Is.EqualTo(VmState.NoPort));
        Assert.That(lab.Calls.Where(call => call.Kind == PointCallKind.Enforce), Is.Empty);
        Assert.That(lab.Observer.Notes.Where(note => note.Level == NoteLevel.Error).Select(note => note.Vm), Is.EquivalentTo(new[] { "web1", "db1" }));
    }
}
