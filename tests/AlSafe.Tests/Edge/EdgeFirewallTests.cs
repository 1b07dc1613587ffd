using System.Net;
using AlSafe.Interop.Edge;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Edge;

/// <summary>What the firewall decides before any edge is reached: it never needs a connection to say no.</summary>
public sealed class EdgeFirewallTests
{
    private static readonly EdgeHostOptions Unused = new()
    {
        Host = "192.0.2.254",
        PrivateKeyPath = "/nonexistent/key",
        KnownHostsPath = "/nonexistent/known_hosts",
    };

    [Test]
    public async Task Updates_before_the_start_are_kept_for_the_first_synchronization()
    {
        var log = new List<string>();
        await using var firewall = new EdgeFirewall(Unused, EdgeLab.Node("n1"), log.Add);

        var result = await firewall.ApplyAsync(EdgeSamples.Web);

        Assert.That(result, Is.EqualTo(new EdgeUpdateResult("web", EdgeUpdateOutcome.Deferred, 0, 0, null)));
        Assert.That(await firewall.WantedAsync(CancellationToken.None), Is.EquivalentTo(EdgeSamples.Web.Elements));
        Assert.That(firewall.IsSynchronized, Is.False);
        Assert.That(log, Is.EqualTo(new[]
        {
            "edge root@192.0.2.254:22 node n1: VM web: the edge is not synchronized; the VM's elements wait for the next resynchronization",
        }));
    }

    [Test]
    public async Task Two_vms_of_one_node_may_not_hold_elements_for_one_address()
    {
        var log = new List<string>();
        await using var firewall = new EdgeFirewall(Unused, EdgeLab.Node("n1"), log.Add);
        await firewall.ApplyAsync(EdgeSamples.Services("web", EdgeLab.Vm1, 80));

        var clash = await firewall.ApplyAsync(EdgeSamples.Services("impostor", EdgeLab.Vm1, 22));

        Assert.That(clash.Outcome, Is.EqualTo(EdgeUpdateOutcome.Refused));
        Assert.That(clash.Error, Is.EqualTo("VM impostor: refused: VM web of this node already has elements for 192.0.2.10"));
        Assert.That(log[^1], Does.EndWith(clash.Error!));
        Assert.That(await firewall.WantedAsync(CancellationToken.None), Is.EquivalentTo(EdgeSamples.Services("web", EdgeLab.Vm1, 80).Elements));
        Assert.That((await firewall.RemoveAsync("web")).Outcome, Is.EqualTo(EdgeUpdateOutcome.Deferred));
        Assert.That((await firewall.ApplyAsync(EdgeSamples.Services("impostor", EdgeLab.Vm1, 22))).Outcome, Is.EqualTo(EdgeUpdateOutcome.Deferred));
    }

    [Test]
    public async Task A_vm_address_outside_the_protected_prefixes_is_said_in_the_log()
    {
        var log = new List<string>();
        await using var firewall = new EdgeFirewall(Unused, EdgeLab.Node("n1"), log.Add);

        await firewall.ApplyAsync(EdgeSamples.Services("stray", IPAddress.Parse("198.51.100.20"), 80));

        Assert.That(log, Has.Some.EndWith("VM stray: 198.51.100.20 lies outside the protected prefixes: the edge drops none of its other traffic"));
    }

    [Test]
    public async Task Removing_a_vm_it_does_not_know_changes_nothing()
    {
        await using var firewall = new EdgeFirewall(Unused, EdgeLab.Node("n1"));

        Assert.That(await firewall.RemoveAsync("ghost"), Is.EqualTo(new EdgeUpdateResult("ghost", EdgeUpdateOutcome.Unchanged, 0, 0, null)));
        Assert.ThrowsAsync<EdgeException>(() => firewall.ReconcileAsync());
    }

    [Test]
    public void Options_without_a_host_key_check_are_refused()
    {
        Assert.That(() => new EdgeFirewall(Unused with { KnownHostsPath = null }, EdgeLab.Node("n1")),
            Throws.ArgumentException.With.Message.Contains("exactly one of a known_hosts file and a pinned host key fingerprint"));
        Assert.That(() => new EdgeFirewall(Unused with { HostKeyFingerprint = "SHA256:x" }, EdgeLab.Node("n1")),
            Throws.ArgumentException);
    }
}
