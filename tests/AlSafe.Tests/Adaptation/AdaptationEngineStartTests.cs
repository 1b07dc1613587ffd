using System.Net;
using AlSafe.Core.Adaptation;
using NUnit.Framework;
using static AlSafe.Tests.Adaptation.AdaptationHarness;

namespace AlSafe.Tests.Adaptation;

/// <summary>The first full sync: every bound VM's grants (or default deny) are staged before the points start.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class AdaptationEngineStartTests
{
    [Test]
    public async Task EveryBoundVmIsStagedOnEveryPointBeforeThePointsStart(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: TimeSpan.FromHours(1)));
        lab.Guests["web1"].Always(WebGuest.Serving(80));
        lab.Guests["broken"].AlwaysFail("the RAM file is gone");
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"), Descriptor("broken", "10.0.0.6"));
        await lab.AddPortAsync("web1", 5, cancellationToken);
        await lab.AddPortAsync("broken", 6, cancellationToken);
        await lab.AddPortAsync("stray", 7, cancellationToken);
        Assert.That(lab.Calls, Is.Empty, "nothing reaches a point before the start");

        await lab.Engine.StartAsync(cancellationToken);

        var calls = lab.Calls.ToList();
        var firstStart = calls.FindIndex(call => call.Kind == PointCallKind.Start);
        Assert.That(calls.Count(call => call.Kind == PointCallKind.Start), Is.EqualTo(2));
        Assert.That(calls.Take(firstStart).Select(call => call.Kind), Is.All.EqualTo(PointCallKind.Stage));
        Assert.That(calls.Skip(firstStart).Select(call => call.Kind), Is.All.EqualTo(PointCallKind.Start));
        foreach (var point in lab.Points)
        {
            var web1 = lab.CallsOn(point, PointCallKind.Stage, "web1").Single().Grants!;
            Assert.That(web1.Vm.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.5") }));
            Assert.That(web1.Inbound, Is.EquivalentTo(WebGuest.Inbound("10.0.0.5", 80)));
            Assert.That(web1.Outbound, Is.Empty);

            var broken = lab.CallsOn(point, PointCallKind.Stage, "broken").Single().Grants!;
            Assert.That(broken.Vm.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.6") }));
            Assert.That(broken.Inbound, Is.Empty, "a VM that could not be read is denied everything");
            Assert.That(broken.Outbound, Is.Empty);

            var stray = lab.CallsOn(point, PointCallKind.Stage, "stray").Single().Grants!;
            Assert.That(stray.Vm.Addresses, Is.Empty, "a VM without a descriptor owns no address");
            Assert.That(stray.Inbound, Is.Empty);
            Assert.That(stray.Outbound, Is.Empty);
        }

        Assert.That(lab.StatusOf("web1").State, Is.EqualTo(VmState.Protected));
        Assert.That(lab.StatusOf("web1").Enforced!.Inbound, Is.EquivalentTo(WebGuest.Inbound("10.0.0.5", 80)));
        Assert.That(lab.StatusOf("web1").Allowed, Is.EqualTo(1));
        Assert.That(lab.StatusOf("broken").State, Is.EqualTo(VmState.Failing));
        Assert.That(lab.StatusOf("broken").Failures, Is.EqualTo(1));
        Assert.That(lab.StatusOf("broken").LastError, Is.EqualTo("the RAM file is gone"));
        Assert.That(lab.StatusOf("stray").State, Is.EqualTo(VmState.NoDescriptor));
        Assert.That(lab.StatusOf("stray").Tenant, Is.Null);
    }

    [Test]
    public async Task ADescribedVmWithoutAPortIsNeitherReadNorStaged(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: TimeSpan.FromMilliseconds(20)));
        lab.Guests["web1"].Always(WebGuest.Serving(80));
        lab.Guests["elsewhere"].Always(WebGuest.Serving(80));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"), Descriptor("elsewhere", "10.0.0.9"));
        await lab.AddPortAsync("web1", 5, cancellationToken);

        await lab.Engine.StartAsync(cancellationToken);
        await WaitUntilAsync(() => lab.Guests["web1"].Introspections >= 3, "web1's periodic cycles", cancellationToken);

        Assert.That(lab.Calls.Where(call => call.Vm == "elsewhere"), Is.Empty);
        Assert.That(lab.Guests["elsewhere"].Introspections, Is.Zero);
        Assert.That(lab.StatusOf("elsewhere").State, Is.EqualTo(VmState.NoPort));
        Assert.That(lab.StatusOf("elsewhere").OfPort, Is.Null);
        Assert.That(lab.Engine.Status().Select(vm => vm.Name), Is.EqualTo(new[] { "elsewhere", "web1" }));
    }

    [Test]
    public async Task AVmThatCouldNotBeReadAtStartIsRetriedAfterTheBackoffNotThePeriod(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: TimeSpan.FromHours(1)));
        lab.Guests["web1"].ThenFail("the guest is still booting").Always(WebGuest.Serving(80));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"));
        await lab.AddPortAsync("web1", 5, cancellationToken);

        await lab.Engine.StartAsync(cancellationToken);
        var failure = lab.Observer.FailuresOf("web1").Single();
        Assert.That(failure.RetryIn, Is.LessThan(TimeSpan.FromHours(1)));

        await WaitUntilAsync(() => lab.Engine.Status("web1")?.State == VmState.Protected, "web1's retry after the failed first read", cancellationToken);
        await WaitUntilAsync(() => lab.CallsOn(lab.Edge, PointCallKind.Enforce, "web1").Count > 0, "web1's grants on the edge", cancellationToken);
        foreach (var point in lab.Points)
        {
            Assert.That(lab.CallsOn(point, PointCallKind.Enforce, "web1").Single().Grants!.Inbound, Is.EquivalentTo(WebGuest.Inbound("10.0.0.5", 80)));
        }
    }
}
