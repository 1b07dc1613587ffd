using System.Net;
using AlSafe.Core.Adaptation;
using AlSafe.Core.Adaptation.Handoff;
using AlSafe.Core.Decisions;
using NUnit.Framework;
using static AlSafe.Tests.Adaptation.AdaptationHarness;

namespace AlSafe.Tests.Adaptation;

/// <summary>The engine's side of a live migration: export on the source, import on the destination, release, resume.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class HandoffEngineTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);
    private static readonly DateTimeOffset Exported = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task ExportStopsIntrospectionKeepsTheRulesAndReturnsTheLastValidState(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(cancellationToken);
        var guest = lab.Guests["web1"];

        var handoff = await lab.Engine.ExportAsync("web1", "node-a", cancellationToken);
        lab.Engine.Trigger("web1");
        lab.Engine.TriggerAll();
        await WaitForOtherCyclesAsync(lab, cancellationToken);

        Assert.That((handoff.Vm, handoff.Tenant, handoff.SourceNode, handoff.Period), Is.EqualTo(("web1", WebGuest.Tenant, "node-a", Long)));
        Assert.That(handoff.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.5") }));
        Assert.That(handoff.Inbound, Is.EqualTo(WebGuest.Inbound("10.0.0.5", 80)));
        Assert.That(handoff.Connections.Select(c => (c.Comm, c.LocalPort, c.Verdict)), Is.EqualTo(new[] { ("nginx", (ushort)80, VerdictKind.Allow) }));
        Assert.That(handoff.LastIntrospection, Is.EqualTo(lab.StatusOf("web1").LastIntrospection));
        Assert.That(guest.Introspections, Is.EqualTo(1), "no cycle runs while the VM is exported");
        Assert.That(guest.Disposals, Is.EqualTo(guest.Opens), "its guest channel (QMP, memory) is closed");
        Assert.That(lab.Calls.Where(call => call.Kind == PointCallKind.Withdraw), Is.Empty, "its rules stay until it leaves");
        Assert.That(lab.StatusOf("web1").State, Is.EqualTo(VmState.Exported));
        Assert.That(lab.Observer.Notes.Count(note => note.Vm == "web1" && note.Message.StartsWith("exported", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task AnUnknownVmOrOneNeverReadCannotBeExported(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: Long));
        lab.Guests["broken"].AlwaysFail("no kernel found");
        await lab.DescribeAsync(cancellationToken, Descriptor("broken", "10.0.0.6"), Descriptor("away", "10.0.0.7"));
        await lab.AddPortAsync("broken", 6, cancellationToken);
        await lab.Engine.StartAsync(cancellationToken);

        Assert.That(await Refusal(() => lab.Engine.ExportAsync("nope", "node-a", cancellationToken)), Is.EqualTo(HandoffRefusal.UnknownVm));
        Assert.That(await Refusal(() => lab.Engine.ExportAsync("broken", "node-a", cancellationToken)), Is.EqualTo(HandoffRefusal.NoValidState));
        Assert.That(await Refusal(() => lab.Engine.ExportAsync("away", "node-a", cancellationToken)), Is.EqualTo(HandoffRefusal.NoValidState));
        Assert.That(lab.StatusOf("broken").State, Is.EqualTo(VmState.Failing), "a refused export changes nothing");
    }

    [Test]
    public async Task TheExportedVmsRulesAreWithdrawnWhenItsPortGoes(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(cancellationToken);
        await lab.Engine.ExportAsync("web1", "node-a", cancellationToken);

        await lab.RemovePortAsync("web1", 5, cancellationToken);

        foreach (var point in lab.Points)
        {
            Assert.That(lab.CallsOn(point, PointCallKind.Withdraw, "web1"), Has.Count.EqualTo(1));
        }

        Assert.That(lab.StatusOf("web1").State, Is.EqualTo(VmState.NoPort));
        Assert.That(await Refusal(() => lab.Engine.ResumeAsync("web1", cancellationToken)), Is.EqualTo(HandoffRefusal.NotExported));
    }

    [Test]
    public async Task ReleaseWithdrawsTheRulesAndResumeBringsThemBackAndIntrospects(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(cancellationToken);
        await lab.Engine.ExportAsync("web1", "node-a", cancellationToken);

        await lab.Engine.ReleaseAsync("web1", cancellationToken);

        foreach (var point in lab.Points)
        {
            Assert.That(lab.CallsOn(point, PointCallKind.Withdraw, "web1"), Has.Count.EqualTo(1));
        }

        Assert.That(lab.StatusOf("web1").State, Is.EqualTo(VmState.Exported));

        await lab.Engine.ResumeAsync("web1", cancellationToken);

        await WaitUntilAsync(() => lab.Guests["web1"].Introspections >= 2, "the resumed introspection", cancellationToken);
        await WaitUntilAsync(() => lab.Engine.Status("web1")?.State == VmState.Protected, "web1 protected again", cancellationToken);
        foreach (var point in lab.Points)
        {
            Assert.That(lab.CallsOn(point, PointCallKind.Enforce, "web1")[^1].Grants!.Inbound, Is.EqualTo(WebGuest.Inbound("10.0.0.5", 80)),
                $"{point.Name}: the released rules are back");
        }

        var lines = lab.Observer.Notes.Where(note => note.Vm == "web1").Select(note => note.Message).ToList();
        Assert.That(lines.Count(line => line.StartsWith("released", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(lines.Count(line => line.StartsWith("export cancelled", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task ResumeWithoutReleaseLeavesTheRulesAndIntrospectsAgain(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(cancellationToken);
        await lab.Engine.ExportAsync("web1", "node-a", cancellationToken);
        var enforced = lab.Calls.Count(call => call.Kind == PointCallKind.Enforce);

        await lab.Engine.ResumeAsync("web1", cancellationToken);

        await WaitUntilAsync(() => lab.Guests["web1"].Introspections >= 2, "the resumed introspection", cancellationToken);
        await WaitUntilAsync(() => lab.Engine.Status("web1")?.State == VmState.Protected, "web1 protected again", cancellationToken);
        Assert.That(lab.Calls.Count(call => call.Kind is PointCallKind.Enforce or PointCallKind.Withdraw), Is.EqualTo(enforced),
            "the same verdicts push nothing");
        Assert.That(await Refusal(() => lab.Engine.ReleaseAsync("web1", cancellationToken)), Is.EqualTo(HandoffRefusal.NotExported));
    }

    [Test]
    public async Task AnImportForAPortThatIsHereInstallsItsGrantsAtOnceAndIntrospectsOnePeriodLater(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: Long));
        lab.Guests["web1"].AlwaysFail("the guest is still arriving");
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"), Descriptor("clock", "10.0.0.99"));
        await lab.AddPortAsync("clock", 99, cancellationToken);
        await lab.Engine.StartAsync(cancellationToken);
        await lab.AddPortAsync("web1", 5, cancellationToken);
        await WaitUntilAsync(() => lab.Engine.Status("web1")?.State == VmState.Failing, "the incoming guest's failed read", cancellationToken);

        var installed = await lab.Engine.ImportAsync(Handoff(Long, 443), cancellationToken);

        Assert.That(installed, Is.True);
        foreach (var point in lab.Points)
        {
            var last = lab.CallsOn(point, PointCallKind.Enforce, "web1")[^1].Grants!;
            Assert.That(last.Inbound, Is.EqualTo(WebGuest.Inbound("10.0.0.5", 443)), $"{point.Name}: the imported grants");
            Assert.That(last.Vm.OfPort, Is.EqualTo(5), "on this node's port");
        }

        var reads = lab.Guests["web1"].Introspections;
        lab.Engine.Trigger("web1");
        await WaitForOtherCyclesAsync(lab, cancellationToken);
        Assert.That(lab.Guests["web1"].Introspections, Is.EqualTo(reads), "not read before one imported period");
        Assert.That(lab.StatusOf("web1").State, Is.EqualTo(VmState.Imported));
        Assert.That(lab.StatusOf("web1").Period, Is.EqualTo(Long));
    }

    [Test]
    public async Task APortAppearingAfterTheImportGetsTheImportedGrantsFirstThenItsOwnVerdicts(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: Long));
        lab.Guests["web1"].Always(WebGuest.Serving(80));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"));
        await lab.Engine.StartAsync(cancellationToken);
        var installed = await lab.Engine.ImportAsync(Handoff(TimeSpan.FromMilliseconds(50), 443), cancellationToken);
        Assert.That(installed, Is.False);
        Assert.That(lab.StatusOf("web1").State, Is.EqualTo(VmState.Imported));

        await lab.AddPortAsync("web1", 9, cancellationToken);

        await WaitUntilAsync(() => lab.Engine.Status("web1")?.State == VmState.Protected, "web1's first introspection here", cancellationToken);
        foreach (var point in lab.Points)
        {
            var enforced = lab.CallsOn(point, PointCallKind.Enforce, "web1").Select(call => call.Grants!).ToList();
            Assert.That(enforced[0].Inbound, Is.EqualTo(WebGuest.Inbound("10.0.0.5", 443)), $"{point.Name}: no default-deny window");
            Assert.That(enforced[0].Vm.OfPort, Is.EqualTo(9));
            Assert.That(enforced.Skip(1).Select(grants => grants.Inbound), Has.All.EqualTo(WebGuest.Inbound("10.0.0.5", 80)),
                "then the verdicts of its own introspection");
            Assert.That(enforced.Any(grants => grants.Inbound.Count == 0), Is.False, "never denied everything");
        }

        Assert.That(lab.StatusOf("web1").Period, Is.EqualTo(TimeSpan.FromMilliseconds(50)), "the imported period stays the VM's");
    }

    [Test]
    public async Task FailedReadsAfterAnImportKeepTheImportedGrants(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: Long));
        lab.Guests["web1"].AlwaysFail("the guest is still arriving");
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"));
        await lab.Engine.StartAsync(cancellationToken);
        await lab.Engine.ImportAsync(Handoff(TimeSpan.FromMilliseconds(20), 443), cancellationToken);

        await lab.AddPortAsync("web1", 5, cancellationToken);

        await WaitUntilAsync(() => lab.Observer.FailuresOf("web1").Count >= 3, "failed reads with backoff", cancellationToken);
        foreach (var point in lab.Points)
        {
            Assert.That(lab.CallsOn(point, PointCallKind.Enforce, "web1").Select(call => call.Grants!.Inbound),
                Has.All.EqualTo(WebGuest.Inbound("10.0.0.5", 443)));
        }
    }

    [Test]
    public async Task AnImportThatDoesNotFitThisNodeIsRefused(CancellationToken cancellationToken)
    {
        await using var lab = new AdaptationHarness(Options(period: Long));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"), Descriptor("other", "10.0.0.5", "fd00::5") with { Tenant = "acme" });
        await lab.Engine.StartAsync(cancellationToken);

        Assert.That(await Refusal(() => lab.Engine.ImportAsync(Handoff(Long, 443) with { Vm = "ghost" }, cancellationToken)),
            Is.EqualTo(HandoffRefusal.NoDescriptor));
        Assert.That(await Refusal(() => lab.Engine.ImportAsync(Handoff(Long, 443) with { Vm = "other" }, cancellationToken)),
            Is.EqualTo(HandoffRefusal.DescriptorMismatch), "another tenant");
        Assert.That(await Refusal(() => lab.Engine.ImportAsync(Handoff(Long, 443) with { Addresses = [IPAddress.Parse("10.0.0.6")] }, cancellationToken)),
            Is.EqualTo(HandoffRefusal.DescriptorMismatch), "other addresses");
        Assert.That(await Refusal(() => lab.Engine.ImportAsync(
                Handoff(Long) with { Inbound = WebGuest.Inbound("10.0.0.9", 22) }, cancellationToken)),
            Is.EqualTo(HandoffRefusal.DescriptorMismatch), "a grant for an address the VM does not own");
        Assert.That(lab.StatusOf("web1").State, Is.EqualTo(VmState.NoPort));

        await lab.Engine.ImportAsync(Handoff(Long, 443), cancellationToken);
        Assert.That(await Refusal(() => lab.Engine.ImportAsync(Handoff(Long, 443), cancellationToken)),
            Is.EqualTo(HandoffRefusal.Conflict), "the same hand-off twice");
    }

    [Test]
    public async Task AVmIntrospectedHereRefusesAnImport(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(cancellationToken);

        Assert.That(await Refusal(() => lab.Engine.ImportAsync(Handoff(Long, 443), cancellationToken)), Is.EqualTo(HandoffRefusal.Conflict));
    }

    /// <summary>web1 serving port 80 on port 5, introspected once; and "clock", a VM read every few milliseconds so a
    /// test can let cycles pass.</summary>
    private static async Task<AdaptationHarness> StartedAsync(CancellationToken cancellationToken)
    {
        var lab = new AdaptationHarness(Options(period: Long));
        lab.Guests["web1"].Always(WebGuest.Serving(80));
        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"), Descriptor("clock", "10.0.0.99"));
        await lab.AddPortAsync("web1", 5, cancellationToken);
        await lab.AddPortAsync("clock", 99, cancellationToken);
        await lab.Engine.StartAsync(cancellationToken);
        return lab;
    }

    /// <summary>Lets the engine run other cycles (of "clock", which the test has): a VM due now would have run meanwhile.</summary>
    private static async Task WaitForOtherCyclesAsync(AdaptationHarness lab, CancellationToken cancellationToken)
    {
        lab.Engine.SetPeriod("clock", TimeSpan.FromMilliseconds(5));
        var target = lab.Guests["clock"].Introspections + 5;
        await WaitUntilAsync(() => lab.Guests["clock"].Introspections >= target, "other VMs' cycles", cancellationToken);
    }

    private static VmHandoff Handoff(TimeSpan period, params int[] ports) => new(
        "web1", WebGuest.Tenant, [IPAddress.Parse("10.0.0.5")], period, "node-a", Exported, Exported - TimeSpan.FromSeconds(2), [],
        WebGuest.Inbound("10.0.0.5", ports), []);

    private static async Task<HandoffRefusal> Refusal(Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (HandoffException e)
        {
            return e.Reason;
        }

        throw new AssertionException("the step was not refused");
    }
}
