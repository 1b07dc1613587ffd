using System.Net.Sockets;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.Edge;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Edge;

/// <summary>Two compute nodes sharing one edge, each over its own connection, updating at the same time.</summary>
[CancelAfter(120_000)]
public sealed class EdgeMultiNodeTests : EdgeLabTestBase
{
    [Test]
    public async Task Two_nodes_updating_at_once_end_with_the_union_of_their_elements_and_nothing_else()
    {
        var (first, _) = NewFirewall("n1");
        var (second, _) = NewFirewall("n2");

        // Both install the table at the same moment on an edge that has none.
        await Task.WhenAll(StartAsync(first), StartAsync(second));

        // During a live migration both nodes hold elements for the same VM address (192.0.2.10 here), the kind of
        // overlap the kernel refuses within one interval set.
        async Task UpdateAsync(EdgeFirewall firewall, string vm, int firstPort)
        {
            for (var round = 0; round < 15; round++)
            {
                var result = await firewall.ApplyAsync(EdgeSamples.Many(vm, EdgeLab.Vm1, 5 + (round % 4), firstPort + round));
                Assert.That(result.Outcome, Is.EqualTo(EdgeUpdateOutcome.Applied).Or.EqualTo(EdgeUpdateOutcome.Unchanged), result.Error);
            }
        }

        await Task.WhenAll(UpdateAsync(first, "web", 1000), UpdateAsync(second, "web", 1002));
        await first.ApplyAsync(EdgeSamples.Services("web", EdgeLab.Vm1, 80));
        await second.ApplyAsync(EdgeSamples.Services("db", EdgeLab.Vm2, 22));

        await AssertEdgeHoldsExactlyAsync(first);
        await AssertEdgeHoldsExactlyAsync(second);
        var state = await Lab.ReadTableAsync();
        Assert.That(state.Sets.Keys, Is.EquivalentTo(first.Node.SetNames.Concat(second.Node.SetNames)));
        Assert.That(state.Chains.Keys, Is.EquivalentTo(new[] { "forward", "nodes", "guard", "allow_n1", "guard_n1", "allow_n2", "guard_n2" }));
        Assert.That(state.Chains["nodes"].Rules.Select(rule => rule.PlainJumpTarget), Is.EquivalentTo(new[] { "allow_n1", "allow_n2" }));
        Assert.That(state.Chains["guard"].Rules.Select(rule => rule.PlainJumpTarget), Is.EquivalentTo(new[] { "guard_n1", "guard_n2" }));
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 80), Is.True, "allowed by n1 alone");
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm2, 22), Is.True, "allowed by n2 alone");
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 22), Is.False, "allowed by neither");
    }

    [Test]
    public async Task A_node_repairing_the_table_keeps_the_other_nodes_share()
    {
        var (first, _) = NewFirewall("n1");
        var (second, _) = NewFirewall("n2");
        await StartAsync(first);
        await StartAsync(second);
        await first.ApplyAsync(EdgeSamples.Services("web", EdgeLab.Vm1, 80));
        await second.ApplyAsync(EdgeSamples.Services("db", EdgeLab.Vm2, 22));

        // Drift in the shared chains: n1's jump deleted by hand, a stray rule added that belongs to no node.
        var nodes = (await Lab.ReadTableAsync()).Chains["nodes"].Rules;
        var handle = nodes.Single(rule => rule.PlainJumpTarget == "allow_n1").Handle;
        await Lab.NftAsync("delete", "rule", "inet", "alsafe", "nodes", "handle", handle.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Lab.NftAsync("add", "rule", "inet", "alsafe", "nodes", "accept");
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 22), Is.True, "the stray accept opens everything");

        var repair = await first.ReconcileAsync();

        Assert.That(repair.Findings, Has.Some.Contains("chain nodes has no jump to allow_n1"));
        Assert.That(repair.Findings, Has.Some.Contains("enters no node's chain"));
        Assert.That((await second.ReconcileAsync()).Findings, Is.Empty, "n2's share was left as it was");
        await AssertEdgeHoldsExactlyAsync(first);
        await AssertEdgeHoldsExactlyAsync(second);
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm1, 22), Is.False);
        Assert.That(await Lab.TcpFromOutsideAsync(EdgeLab.Vm2, 22), Is.True);
    }

    [Test]
    public async Task A_node_with_other_protected_prefixes_writes_only_its_own_sets()
    {
        var narrow = new EdgeNode("n2", [AddressPrefix.Create(System.Net.IPAddress.Parse("192.0.2.0"), 25)]);
        var (first, _) = NewFirewall("n1");
        var (second, _) = NewFirewall("n2", share: narrow);
        await StartAsync(first);
        await StartAsync(second);

        var state = await Lab.ReadTableAsync();

        Assert.That(state.Sets[first.Node.ProtectSetName(AddressFamily.InterNetwork)].Prefixes, Is.EqualTo(new[] { EdgeLab.Protected[0] }));
        Assert.That(state.Sets[narrow.ProtectSetName(AddressFamily.InterNetwork)].Prefixes, Is.EqualTo(narrow.ProtectedPrefixes));
        Assert.That(state.Sets[narrow.ProtectSetName(AddressFamily.InterNetworkV6)].Count, Is.Zero);
    }
}
