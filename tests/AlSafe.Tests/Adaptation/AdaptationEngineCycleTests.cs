using AlSafe.Core.Adaptation;
using AlSafe.Core.Introspection;
using NUnit.Framework;
using static AlSafe.Tests.Adaptation.AdaptationHarness;

namespace AlSafe.Tests.Adaptation;

/// <summary>The periodic cycle: push only what changed, keep the last rules through failures, isolate slow VMs.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class AdaptationEngineCycleTests
{
    [Test]
    public async Task AnUnchangedConnectionListIsNotPushedAgainAndAChangedOneIs(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: TimeSpan.FromMilliseconds(20)));
        var guest = lab.Guests["web1"].Always(WebGuest.Serving(80));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"));
        await lab.AddPortAsync("web1", 5, cancellationToken);
        await lab.Engine.StartAsync(cancellationToken);

        await WaitUntilAsync(() => guest.Introspections >= 5, "four periodic cycles", cancellationToken);
        Assert.That(lab.Calls.Where(call => call.Kind == PointCallKind.Enforce), Is.Empty, "the staged grants still hold");

        guest.Always(WebGuest.Serving(80, 443));
        await WaitUntilAsync(() => lab.Points.All(point => lab.CallsOn(point, PointCallKind.Enforce, "web1").Count > 0),
            "the new grants on both points", cancellationToken);
        var seen = guest.Introspections;
        await WaitUntilAsync(() => guest.Introspections >= seen + 3, "three more cycles", cancellationToken);

        foreach (var point in lab.Points)
        {
            var enforced = lab.CallsOn(point, PointCallKind.Enforce, "web1");
            Assert.That(enforced, Has.Count.EqualTo(1), point.Name);
            Assert.That(enforced[0].Grants!.Inbound, Is.EquivalentTo(WebGuest.Inbound("10.0.0.5", 80, 443)));
        }

        Assert.That(lab.Observer.Enforced.Single().RefusedBy, Is.Empty);
        Assert.That(lab.Observer.Verdicts.Select(change => (change.Appeared.Count, change.Gone.Count)),
            Is.EqualTo(new[] { (1, 0), (1, 0) }), "the first cycle's socket, then the new one");
        Assert.That(lab.StatusOf("web1").Enforced!.Inbound, Is.EquivalentTo(WebGuest.Inbound("10.0.0.5", 80, 443)));
    }

    [Test]
    public async Task AFailingVmKeepsItsRulesBacksOffAndRecovers(CancellationToken cancellationToken)
    {
        var options = Options(period: TimeSpan.FromMilliseconds(20), backoffInitial: TimeSpan.FromMilliseconds(20),
            backoffMax: TimeSpan.FromMilliseconds(80));
        await using var lab = new AdaptationHarness(options);
        var guest = lab.Guests["web1"].Always(WebGuest.Serving(80));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"));
        await lab.AddPortAsync("web1", 5, cancellationToken);
        await lab.Engine.StartAsync(cancellationToken);
        var staged = lab.StatusOf("web1").Enforced;
        await WaitUntilAsync(() => guest.Introspections >= 2, "a periodic cycle", cancellationToken);

        guest.AlwaysFail("page table entry unmapped");
        await WaitUntilAsync(() => lab.Observer.FailuresOf("web1").Count >= 5, "five failed cycles", cancellationToken);

        var failing = lab.StatusOf("web1");
        Assert.That(failing.State, Is.EqualTo(VmState.Failing));
        Assert.That(failing.Failures, Is.GreaterThanOrEqualTo(5));
        Assert.That(failing.LastError, Is.EqualTo("page table entry unmapped"));
        Assert.That(failing.Enforced, Is.SameAs(staged), "the last good rules stay");
        var failures = lab.Observer.FailuresOf("web1").Take(5).ToList();
        Assert.That(failures.Select(f => f.Failures), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
        Assert.That(failures.Select(f => f.RetryIn.TotalMilliseconds), Is.EqualTo(new[] { 20.0, 40.0, 80.0, 80.0, 80.0 }));
        Assert.That(failures.Select(f => f.Error), Is.All.InstanceOf<IntrospectionException>());
        Assert.That(failures.Select(f => f.Tenant), Is.All.EqualTo(WebGuest.Tenant));

        guest.Always(WebGuest.Serving(80));
        await WaitUntilAsync(() => lab.Engine.Status("web1")?.State == VmState.Protected, "web1 protected again", cancellationToken);

        var recovered = lab.StatusOf("web1");
        Assert.That(recovered.Failures, Is.Zero);
        Assert.That(recovered.LastError, Is.Null);
        Assert.That(lab.Calls.Where(call => call.Kind == PointCallKind.Enforce), Is.Empty, "neither the failures nor the recovery changed the rules");
        Assert.That(guest.Opens, Is.GreaterThan(5), "the guest is reopened after each failure");
        Assert.That(lab.Observer.Notes.Where(note => note.Level == NoteLevel.Information).Select(note => note.Message),
            Has.Some.StartsWith("introspection works again after"));
    }

    [Test]
    public async Task AHungVmDoesNotStopAnotherFromCycling(CancellationToken cancellationToken)
    {
        var options = Options(period: TimeSpan.FromMilliseconds(20), concurrency: 1, deadline: TimeSpan.FromMilliseconds(200));
        await using var lab = new AdaptationHarness(options);
        var hung = lab.Guests["hung"].AlwaysHang();
        var web1 = lab.Guests["web1"].Always(WebGuest.Serving(80));
        await lab.DescribeAsync(cancellationToken, Descriptor("hung", "10.0.0.4"), Descriptor("web1", "10.0.0.5"));
        await lab.AddPortAsync("hung", 4, cancellationToken);
        await lab.AddPortAsync("web1", 5, cancellationToken);
        await lab.Engine.StartAsync(cancellationToken);

        await WaitUntilAsync(() => lab.Observer.FailuresOf("hung").Count >= 3 && web1.Introspections >= 6,
            "three timed-out cycles of the hung VM and five periodic cycles of the other", cancellationToken);

        Assert.That(lab.Observer.FailuresOf("hung").Select(f => f.Error), Is.All.InstanceOf<TimeoutException>());
        Assert.That(lab.StatusOf("hung").State, Is.EqualTo(VmState.Failing));
        Assert.That(lab.StatusOf("web1").State, Is.EqualTo(VmState.Protected));
        Assert.That(hung.Opens, Is.GreaterThanOrEqualTo(3));
        Assert.That(lab.CallsOn(lab.Switch, PointCallKind.Stage, "hung").Single().Grants!.Inbound, Is.Empty);
    }

    [TestCase(false, TestName = "{m}(refused)")]
    [TestCase(true, TestName = "{m}(thrown)")]
    public async Task GrantsAPointDidNotTakeArePushedAgainByTheNextCycle(bool pointThrows, CancellationToken cancellationToken)
    {
        var answer = pointThrows ? PointAnswer.Throw : PointAnswer.Refuse;
        await using var lab = new AdaptationHarness(Options(period: TimeSpan.FromMilliseconds(20)));
        var guest = lab.Guests["web1"].Then(WebGuest.Serving(80)).Always(WebGuest.Serving(80, 443));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"));
        await lab.AddPortAsync("web1", 5, cancellationToken);
        lab.Edge.AnswerNext(1, answer);
        await lab.Engine.StartAsync(cancellationToken);

        await WaitUntilAsync(() => lab.CallsOn(lab.Edge, PointCallKind.Enforce, "web1").Count >= 2, "a second push to the edge", cancellationToken);
        var seen = guest.Introspections;
        await WaitUntilAsync(() => guest.Introspections >= seen + 3, "three more cycles", cancellationToken);

        foreach (var point in lab.Points)
        {
            var enforced = lab.CallsOn(point, PointCallKind.Enforce, "web1");
            Assert.That(enforced, Has.Count.EqualTo(2), $"{point.Name}: the same grants twice, then no more");
            Assert.That(enforced.Select(call => call.Grants!.Inbound), Is.All.EquivalentTo(WebGuest.Inbound("10.0.0.5", 80, 443)));
        }

        Assert.That(lab.Observer.Enforced.Select(e => e.RefusedBy), Is.EqualTo(new[] { new[] { "edge" }, Array.Empty<string>() }));
        Assert.That(lab.StatusOf("web1").Enforced!.Inbound, Is.EquivalentTo(WebGuest.Inbound("10.0.0.5", 80, 443)));
        Assert.That(lab.StatusOf("web1").State, Is.EqualTo(VmState.Protected), "a refusal is not a failed introspection");
        var errors = lab.Observer.Notes.Where(note => note.Level == NoteLevel.Error).Select(note => note.Message);
        Assert.That(errors, pointThrows ? Has.One.StartsWith("edge:") : Is.Empty);
    }

    [Test]
    public async Task AGuestWhoseClosingThrowsStillGetsItsCycles(CancellationToken cancellationToken)
    {
        var options = Options(period: TimeSpan.FromMilliseconds(20), concurrency: 1);
        await using var lab = new AdaptationHarness(options);
        var guest = lab.Guests["web1"].Always(WebGuest.Serving(80));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"));
        await lab.AddPortAsync("web1", 5, cancellationToken);
        await lab.Engine.StartAsync(cancellationToken);
        await WaitUntilAsync(() => guest.Introspections >= 2, "a periodic cycle", cancellationToken);

        guest.ThrowOnDispose(1);
        guest.ThenFail("the guest was reset");
        var failed = guest.Introspections;

        await WaitUntilAsync(() => guest.Introspections >= failed + 3, "cycles after the failed one", cancellationToken);
        await WaitUntilAsync(() => lab.Engine.Status("web1")?.State == VmState.Protected, "web1 protected again", cancellationToken);
    }
}
