using AlSafe.Core.Rules.Edge;
using AlSafe.Interop.Edge;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Edge;

/// <summary>Real TCP and UDP from the outside namespace to the cloud namespace through the edge namespace's nftables,
/// with the rules a node wrote over SSH.</summary>
[CancelAfter(120_000)]
public sealed class EdgeTrafficTests : EdgeLabTestBase
{
    [Test]
    public async Task Allowed_services_pass_and_everything_else_to_the_vms_is_dropped()
    {
        var (firewall, _) = NewFirewall("n1");
        await StartAsync(firewall);
        Assert.That((await firewall.ApplyAsync(EdgeSamples.Web)).Outcome, Is.EqualTo(EdgeUpdateOutcome.Applied));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80), Is.True, "tcp/80 of web, allowed from anywhere");
            Assert.That(await Lab.UdpFromOutsideAsync(EdgeLab.Vm1, 53), Is.True, "udp/53 of web, allowed from the outside network");
            Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm6, 443), Is.True, "tcp/443 of web over IPv6");
            Assert.That(await Lab.TcpFromVmAsync(EdgeLab.Vm1, 40000), Is.True, "web's own client connection from port 40000");
            Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 22), Is.False, "tcp/22 of web: no element");
            Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm2, 80), Is.False, "tcp/80 of another protected address");
            Assert.That(await Lab.TcpFromVmAsync(EdgeLab.Vm1, 40001), Is.False, "a client connection from another port");
            Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Unprotected, 22), Is.True, "a host outside the protected prefixes is left alone");
        });
        await AssertEdgeHoldsExactlyAsync(firewall);
    }

    [Test]
    public async Task A_remote_port_range_is_enforced()
    {
        var (firewall, _) = NewFirewall("n1");
        await StartAsync(firewall);
        var onlyHighPorts = new EdgeRuleSet("web", EdgeSamples.Services("web", EdgeLab.Vm1, 80).Elements
            .Select(element => element with { RemotePort = new Core.Whitelist.PortRange(50000, 50999) }));
        await firewall.ApplyAsync(onlyHighPorts);

        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80, sourcePort: 50500), Is.True);
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80, sourcePort: 40500), Is.False);
    }

    [Test]
    public async Task A_removed_element_stops_new_connections()
    {
        var (firewall, _) = NewFirewall("n1");
        await StartAsync(firewall);
        await firewall.ApplyAsync(EdgeSamples.Services("web", EdgeLab.Vm1, 80, 22));
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 22), Is.True);

        var narrowed = await firewall.ApplyAsync(EdgeSamples.Services("web", EdgeLab.Vm1, 80));
        Assert.That(narrowed, Is.EqualTo(new EdgeUpdateResult("web", EdgeUpdateOutcome.Applied, 1, 0, null)));
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 22), Is.False);
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80), Is.True);

        Assert.That((await firewall.RemoveAsync("web")).Outcome, Is.EqualTo(EdgeUpdateOutcome.Applied));
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80), Is.False);
        await AssertEdgeHoldsExactlyAsync(firewall);
    }

    [Test]
    public async Task An_update_that_empties_a_large_interval_set_declares_it_again_and_traffic_follows()
    {
        var (firewall, _) = NewFirewall("n1");
        await StartAsync(firewall);
        await firewall.ApplyAsync(EdgeSamples.Many("bulk", EdgeLab.Vm2, 2000, firstPort: 2000));
        await firewall.ApplyAsync(EdgeSamples.Services("web", EdgeLab.Vm1, 80));
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80), Is.True);

        var emptied = await firewall.RemoveAsync("bulk");

        Assert.That(emptied.Outcome, Is.EqualTo(EdgeUpdateOutcome.Applied));
        Assert.That(emptied.Removed, Is.EqualTo(2000));
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80), Is.True, "web's element, kept in the set declared again");
        await AssertEdgeHoldsExactlyAsync(firewall);
    }
}
