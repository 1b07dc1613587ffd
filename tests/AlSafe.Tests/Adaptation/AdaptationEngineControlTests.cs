using System.Net;
using AlSafe.Core.Adaptation;
using AlSafe.Core.Whitelist;
using NUnit.Framework;
using static AlSafe.Core.Introspection.Model.SocketProtocol;
using static AlSafe.Core.Whitelist.TrafficDirection;
using static AlSafe.Tests.Adaptation.AdaptationHarness;
using static AlSafe.Tests.Decisions.Lines;

namespace AlSafe.Tests.Adaptation;

/// <summary>What the daemon asks of the engine after the start: triggers, periods, new descriptors and whitelists.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class AdaptationEngineControlTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    [Test]
    public async Task TriggerRunsACycleLongBeforeThePeriod(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(Options(period: Long), cancellationToken, "web1");
        var guest = lab.Guests["web1"];

        Assert.That(lab.Engine.Trigger("web1"), Is.True);

        await WaitUntilAsync(() => guest.Introspections >= 2, "the triggered cycle", cancellationToken);
        Assert.That(lab.StatusOf("web1").LastIntrospection, Is.Not.Null);
    }

    [Test]
    public async Task UnknownVmsCannotBeTriggeredOrGivenAPeriod(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(Options(period: Long), cancellationToken, "web1");

        Assert.That(lab.Engine.Trigger("nope"), Is.False);
        Assert.That(lab.Engine.SetPeriod("nope", TimeSpan.FromSeconds(1)), Is.False);
        Assert.That(lab.Engine.Status("nope"), Is.Null);
        Assert.That(() => lab.Engine.SetPeriod("web1", TimeSpan.Zero), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public async Task SetPeriodChangesTheVmsPeriodAndReschedulesIt(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(Options(period: Long), cancellationToken, "web1", "web2");
        Assert.That(lab.StatusOf("web1").Period, Is.EqualTo(Long));

        Assert.That(lab.Engine.SetPeriod("web1", TimeSpan.FromSeconds(42)), Is.True);
        Assert.That(lab.StatusOf("web1").Period, Is.EqualTo(TimeSpan.FromSeconds(42)));
        Assert.That(lab.StatusOf("web2").Period, Is.EqualTo(Long));

        Assert.That(lab.Engine.SetPeriod("web1", TimeSpan.FromMilliseconds(20)), Is.True);
        await WaitUntilAsync(() => lab.Guests["web1"].Introspections >= 4, "cycles at the new period", cancellationToken);
        Assert.That(lab.Guests["web2"].Introspections, Is.EqualTo(1));
    }

    [Test]
    public async Task ASecondTriggerWithinTheIntervalWaitsForTheInterval(CancellationToken cancellationToken)
    {
        // One worker takes the earliest due VM first: had web1's second trigger not been put off, web1 would cycle
        // before web2.
        await using var lab = await StartedAsync(Options(period: Long, concurrency: 1, triggerInterval: Long), cancellationToken, "web1", "web2");
        Assert.That(lab.Engine.Trigger("web1"), Is.True);
        await WaitUntilAsync(() => lab.Guests["web1"].Introspections >= 2, "web1's first triggered cycle", cancellationToken);

        Assert.That(lab.Engine.Trigger("web1"), Is.True);
        Assert.That(lab.Engine.Trigger("web2"), Is.True);

        await WaitUntilAsync(() => lab.Guests["web2"].Introspections >= 2, "web2's triggered cycle", cancellationToken);
        Assert.That(lab.Guests["web1"].Introspections, Is.EqualTo(2));
    }

    [Test]
    public async Task ABurstOfTriggersDoesNotPutOffTheTriggersAfterIt(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromMilliseconds(50);
        await using var lab = await StartedAsync(Options(period: Long, concurrency: 1, triggerInterval: interval), cancellationToken, "web1");
        var guest = lab.Guests["web1"];
        for (var i = 0; i < 2000; i++)
        {
            lab.Engine.Trigger("web1");
        }

        await WaitUntilAsync(() => guest.Introspections >= 2, "a cycle for the burst", cancellationToken);
        await Task.Delay(interval * 6, cancellationToken);
        var seen = guest.Introspections;

        lab.Engine.Trigger("web1");

        await WaitUntilAsync(() => guest.Introspections > seen, "a cycle for a trigger well after the burst", cancellationToken);
    }

    [Test]
    public async Task ARemovedDescriptorDeniesTheBoundVmEverything(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(Options(period: Long), cancellationToken, "web1");
        var guest = lab.Guests["web1"];

        await lab.DescribeAsync(cancellationToken);

        foreach (var point in lab.Points)
        {
            var denied = lab.CallsOn(point, PointCallKind.Enforce, "web1").Single().Grants!;
            Assert.That(denied.Inbound, Is.Empty);
            Assert.That(denied.Outbound, Is.Empty);
            Assert.That(denied.Vm.Addresses, Is.Empty);
        }

        var status = lab.StatusOf("web1");
        Assert.That(status.State, Is.EqualTo(VmState.NoDescriptor));
        Assert.That(status.Tenant, Is.Null);
        Assert.That(status.Enforced!.Vm.Addresses, Is.Empty);
        Assert.That(guest.Disposals, Is.EqualTo(1), "the guest is closed");
    }

    [Test]
    public async Task ChangedAddressesReopenTheGuestAndPushNewGrants(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(Options(period: Long), cancellationToken, "web1");
        var guest = lab.Guests["web1"];

        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.7"));

        await WaitUntilAsync(() => lab.Points.All(point => lab.CallsOn(point, PointCallKind.Enforce, "web1").Count > 0),
            "the grants on the new address", cancellationToken);
        foreach (var point in lab.Points)
        {
            var grants = lab.CallsOn(point, PointCallKind.Enforce, "web1").Single().Grants!;
            Assert.That(grants.Vm.Addresses, Is.EqualTo(new[] { IPAddress.Parse("10.0.0.7") }));
            Assert.That(grants.Inbound, Is.EquivalentTo(WebGuest.Inbound("10.0.0.7", 80, 443)));
        }

        Assert.That(guest.Opens, Is.EqualTo(2));
        Assert.That(guest.Disposals, Is.EqualTo(1));
    }

    [Test]
    public async Task AnUnchangedDescriptorIsLeftAlone(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(Options(period: Long), cancellationToken, "web1");

        await lab.DescribeAsync(cancellationToken, Descriptor("web1", "10.0.0.5"));

        Assert.That(lab.Guests["web1"].Disposals, Is.Zero);
        Assert.That(lab.Calls.Where(call => call.Kind == PointCallKind.Enforce), Is.Empty);
    }

    [Test]
    public async Task ANewWhitelistIsPushedAfterTriggerAll(CancellationToken cancellationToken)
    {
        await using var lab = await StartedAsync(Options(period: Long), cancellationToken, "web1");
        lab.Whitelists.Apply([WhitelistParseResult.Valid(WhitelistOf(Line(1, "nginx", Tcp, In, "80"), Line(2, "nginx", Tcp, In, "8080")))]);

        lab.Engine.TriggerAll();

        await WaitUntilAsync(() => lab.Points.All(point => lab.CallsOn(point, PointCallKind.Enforce, "web1").Count > 0),
            "the new whitelist's grants", cancellationToken);
        foreach (var point in lab.Points)
        {
            Assert.That(lab.CallsOn(point, PointCallKind.Enforce, "web1").Single().Grants!.Inbound,
                Is.EquivalentTo(WebGuest.Inbound("10.0.0.5", 80, 8080)));
        }

        lab.Whitelists.Apply([]);
        lab.Engine.TriggerAll();

        await WaitUntilAsync(() => lab.CallsOn(lab.Edge, PointCallKind.Enforce, "web1").Count > 1, "default deny without a whitelist", cancellationToken);
        Assert.That(lab.CallsOn(lab.Edge, PointCallKind.Enforce, "web1")[1].Grants!.Inbound, Is.Empty);
    }

    /// <summary>An engine started with each VM bound (ofport 5, 6, ...) and described (10.0.0.5, 10.0.0.6, ...), its
    /// nginx serving 80, 443 and 8080.</summary>
    private static async Task<AdaptationHarness> StartedAsync(AdaptationOptions options, CancellationToken cancellationToken, params string[] vms)
    {
        var lab = new AdaptationHarness(options);
        await lab.DescribeAsync(cancellationToken, [.. vms.Select((vm, i) => Descriptor(vm, $"10.0.0.{5 + i}"))]);
        for (var i = 0; i < vms.Length; i++)
        {
            lab.Guests[vms[i]].Always(WebGuest.Serving(80, 443, 8080));
            await lab.AddPortAsync(vms[i], (uint)(5 + i), cancellationToken);
        }

        await lab.Engine.StartAsync(cancellationToken);
        return lab;
    }
}
