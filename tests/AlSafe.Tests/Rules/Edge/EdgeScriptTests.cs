using System.Net;
using AlSafe.Core.Rules.Edge;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Edge;

public sealed class EdgeScriptTests
{
    private static readonly EdgeNode Node = EdgeLab.Node("n1");

    [Test]
    public void An_update_writes_only_the_difference_into_the_nodes_own_sets_deletes_first()
    {
        var before = EdgeSamples.Services("web", EdgeLab.Vm1, 80, 22).Elements;
        var after = EdgeSamples.Services("web", EdgeLab.Vm1, 80, 443).Elements.Concat(EdgeSamples.Web.Elements.Where(e => e.Direction == Core.Whitelist.TrafficDirection.Out)).ToList();

        Assert.That(EdgeScript.Update(Node, before, after).Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "delete element inet alsafe svc4_n1 { 192.0.2.10 . tcp . 22 . 0.0.0.0/0 . 0-65535 }",
            "add element inet alsafe svc4_n1 { 192.0.2.10 . tcp . 443 . 0.0.0.0/0 . 0-65535 }",
            "add element inet alsafe out4_n1 { 192.0.2.10 . tcp . 40000 . 203.0.113.1 . 8443 }",
        }));
        Assert.That(EdgeScript.Update(Node, after, after), Is.Empty);
    }

    [Test]
    public void An_interval_set_losing_many_elements_is_declared_again_in_the_same_transaction()
    {
        var before = EdgeSamples.Many("bulk", EdgeLab.Vm2, 100).Elements.Concat(EdgeSamples.Services("web", EdgeLab.Vm1, 80).Elements).ToList();
        var after = EdgeSamples.Services("web", EdgeLab.Vm1, 80).Elements;

        var lines = EdgeScript.Update(Node, before, after).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.That(lines[..4], Is.EqualTo(new[]
        {
            "flush chain inet alsafe allow_n1",
            "delete set inet alsafe svc4_n1",
            "add set inet alsafe svc4_n1 { type ipv4_addr . inet_proto . inet_service . ipv4_addr . inet_service; flags interval; }",
            "add element inet alsafe svc4_n1 { 192.0.2.10 . tcp . 80 . 0.0.0.0/0 . 0-65535 }",
        }));
        Assert.That(lines[4..], Has.Length.EqualTo(4).And.All.StartWith("add rule inet alsafe allow_n1 "));
    }

    [Test]
    public void A_few_removals_or_a_hash_set_are_deleted_element_by_element()
    {
        var many = EdgeSamples.Many("bulk", EdgeLab.Vm2, 100).Elements;
        var outbound = many.Select(e => e with { Direction = Core.Whitelist.TrafficDirection.Out, Remote = Core.Whitelist.AddressPrefix.Host(EdgeLab.Outside4), RemotePort = Core.Whitelist.PortRange.Single(443) }).ToList();

        Assert.That(EdgeScript.Update(Node, many, many.Skip(1).ToList()), Does.StartWith("delete element inet alsafe svc4_n1 { 192.0.2.11 . tcp . 1 ."));
        Assert.That(EdgeScript.Update(Node, outbound, []), Does.StartWith("delete element inet alsafe out4_n1 {").And.Not.Contains("delete set"));
    }

    [Test]
    public void Long_lists_of_elements_are_cut_into_statements_of_at_most_500()
    {
        var script = EdgeScript.Update(Node, [], EdgeSamples.Many("bulk", EdgeLab.Vm2, 1200).Elements);

        var statements = script.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(statements, Has.Length.EqualTo(3));
        Assert.That(statements.Select(s => s.Split(',').Length), Is.EqualTo(new[] { 500, 500, 200 }));
    }

    [Test]
    public void The_kernel_accepts_the_install_and_a_sequence_of_updates_as_one_file()
    {
        var install = EdgeRepair.Compute(EdgeTableState.Absent, Node, EdgeSamples.Web.Elements).Script;
        var big = EdgeSamples.Web.Elements.Concat(EdgeSamples.Many("bulk", EdgeLab.Vm2, 300).Elements).ToList();
        var ipv6 = EdgeSamples.Many("six", IPAddress.Parse("fd00:a15a::20"), 50).Elements;

        NftCheck.AssertAccepted(install
                                + EdgeScript.Update(Node, EdgeSamples.Web.Elements, big)
                                + EdgeScript.Update(Node, big, ipv6)
                                + EdgeScript.Update(Node, ipv6, EdgeSamples.Web.Elements));
    }
}
