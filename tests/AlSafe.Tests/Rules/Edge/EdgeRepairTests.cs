using System.Net;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Whitelist;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Edge;

/// <summary>Repairs computed from tables read back (the sample nft printed, changed by hand), without a kernel.</summary>
public sealed class EdgeRepairTests
{
    private static readonly EdgeNode Node = EdgeLab.Node("n1");

    [Test]
    public void An_edge_without_the_table_gets_the_whole_install_in_one_transaction()
    {
        var repair = EdgeRepair.Compute(EdgeTableState.Absent, Node, null);

        Assert.That(repair.Findings, Is.EqualTo(new[] { "table inet alsafe is missing" }));
        Assert.That(repair.Script.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "add table inet alsafe",
            "add chain inet alsafe nodes",
            "add chain inet alsafe guard",
            "add chain inet alsafe allow_n1",
            "add chain inet alsafe guard_n1",
            "add chain inet alsafe forward { type filter hook forward priority filter; policy accept; }",
            "flush chain inet alsafe forward",
            "add rule inet alsafe forward ct state established,related accept comment \"alsafe: replies and related\"",
            "add rule inet alsafe forward jump nodes comment \"alsafe: what some node allows\"",
            "add rule inet alsafe forward jump guard comment \"alsafe: drop the rest to and from protected prefixes\"",
            "flush chain inet alsafe allow_n1",
            "flush chain inet alsafe guard_n1",
            "add set inet alsafe svc4_n1 { type ipv4_addr . inet_proto . inet_service . ipv4_addr . inet_service; flags interval; }",
            "add set inet alsafe svc6_n1 { type ipv6_addr . inet_proto . inet_service . ipv6_addr . inet_service; flags interval; }",
            "add set inet alsafe out4_n1 { type ipv4_addr . inet_proto . inet_service . ipv4_addr . inet_service; }",
            "add set inet alsafe out6_n1 { type ipv6_addr . inet_proto . inet_service . ipv6_addr . inet_service; }",
            "add set inet alsafe prot4_n1 { type ipv4_addr; flags interval; }",
            "add set inet alsafe prot6_n1 { type ipv6_addr; flags interval; }",
            "add element inet alsafe prot4_n1 { 192.0.2.0/24 }",
            "add element inet alsafe prot6_n1 { fd00:a15a::/64 }",
            "add rule inet alsafe allow_n1 ip daddr . meta l4proto . th dport . ip saddr . th sport @svc4_n1 accept comment \"alsafe node n1: inbound services ip\"",
            "add rule inet alsafe allow_n1 ip6 daddr . meta l4proto . th dport . ip6 saddr . th sport @svc6_n1 accept comment \"alsafe node n1: inbound services ip6\"",
            "add rule inet alsafe allow_n1 ip saddr . meta l4proto . th sport . ip daddr . th dport @out4_n1 accept comment \"alsafe node n1: outbound connections ip\"",
            "add rule inet alsafe allow_n1 ip6 saddr . meta l4proto . th sport . ip6 daddr . th dport @out6_n1 accept comment \"alsafe node n1: outbound connections ip6\"",
            "add rule inet alsafe guard_n1 ip daddr @prot4_n1 drop comment \"alsafe node n1: to protected ip\"",
            "add rule inet alsafe guard_n1 ip saddr @prot4_n1 drop comment \"alsafe node n1: from protected ip\"",
            "add rule inet alsafe guard_n1 ip6 daddr @prot6_n1 drop comment \"alsafe node n1: to protected ip6\"",
            "add rule inet alsafe guard_n1 ip6 saddr @prot6_n1 drop comment \"alsafe node n1: from protected ip6\"",
            "add rule inet alsafe nodes jump allow_n1 comment \"alsafe node n1: its elements\"",
            "add rule inet alsafe guard jump guard_n1 comment \"alsafe node n1: its protected prefixes\"",
        }));
    }

    [Test]
    public void With_elements_the_install_writes_them_too()
    {
        var script = EdgeRepair.Compute(EdgeTableState.Absent, Node, EdgeSamples.Web.Elements).Script;

        Assert.That(script, Does.Contain("add element inet alsafe svc4_n1 { 192.0.2.10 . tcp . 80 . 0.0.0.0/0 . 0-65535, 192.0.2.10 . udp . 53 . 203.0.113.0/24 . 1024-65535 }\n"));
        Assert.That(script, Does.Contain("add element inet alsafe out4_n1 { 192.0.2.10 . tcp . 40000 . 203.0.113.1 . 8443 }\n"));
    }

    [Test]
    public void A_stray_rule_in_a_shared_chain_is_deleted_by_its_handle_and_nothing_else_is_touched()
    {
        var repair = EdgeRepair.Compute(Sample(), Node, EdgeSamples.Web.Elements);

        Assert.That(repair.Findings, Is.EqualTo(new[] { "chain nodes: rule handle 25 (counter accept) enters no node's chain" }));
        Assert.That(repair.Script, Does.EndWith("delete rule inet alsafe nodes handle 25\n"));
        Assert.That(repair.Script, Does.Not.Contain("flush").And.Not.Contain("element"));
    }

    [Test]
    public void The_node_keeps_one_jump_of_its_own_and_leaves_other_nodes_jumps()
    {
        var edge = With(Sample(), "nodes", rules =>
        [
            Jump(30, "allow_n2", "alsafe node n2: its elements"),
            rules[0] with { Handle = 31 },
            rules[0] with { Handle = 32 },
            Jump(33, "allow_n1", "changed by hand"),
        ]);

        var repair = EdgeRepair.Compute(edge, Node, EdgeSamples.Web.Elements);

        Assert.That(repair.Findings, Is.EqualTo(new[]
        {
            "chain nodes: rule handle 32 (jump allow_n1) is another rule entering allow_n1",
            "chain nodes: rule handle 33 (jump allow_n1) is another rule entering allow_n1",
        }));
        Assert.That(repair.Script, Does.Not.Contain("handle 30").And.Not.Contain("handle 31"));
    }

    [Test]
    public void A_missing_jump_is_added_and_a_stray_rule_without_handle_is_reported()
    {
        var edge = With(Sample(), "guard", _ => [new EdgeRuleState(0, [], [], ["accept"], null)]);

        var repair = EdgeRepair.Compute(edge, Node, EdgeSamples.Web.Elements);

        Assert.That(repair.Findings.Skip(1), Is.EqualTo(new[]
        {
            "chain guard has no jump to guard_n1",
            "chain guard: a rule (accept) enters no node's chain, but the edge gave no handle to delete it by",
        }));
        Assert.That(repair.Script, Does.Contain("add rule inet alsafe guard jump guard_n1 comment \"alsafe node n1: its protected prefixes\"\n"));
    }

    [Test]
    public void A_base_chain_with_another_policy_is_declared_again()
    {
        var sample = Sample();
        var edge = new EdgeTableState(sample.Chains.Values.Select(chain => chain.Name == "forward" ? chain with { Policy = "drop" } : chain), sample.Sets.Values);

        var repair = EdgeRepair.Compute(edge, Node, null);

        Assert.That(repair.Findings[0], Is.EqualTo("chain forward is type filter hook forward priority 0 policy drop, not type filter hook forward priority 0 policy accept"));
        Assert.That(repair.Script, Does.Contain(
            "flush chain inet alsafe forward\ndelete chain inet alsafe forward\nadd chain inet alsafe forward { type filter hook forward priority filter; policy accept; }\nflush chain inet alsafe forward\n"));
    }

    [Test]
    public void A_node_chain_that_was_changed_is_rewritten()
    {
        var edge = With(Sample(), "allow_n1", rules => [rules[0], rules[1], rules[3] with { Statements = ["drop"] }, rules[3]]);

        var repair = EdgeRepair.Compute(edge, Node, EdgeSamples.Web.Elements);

        Assert.That(repair.Findings[0], Does.StartWith("chain allow_n1 holds 4 rules ("));
        Assert.That(repair.Script, Does.Contain("flush chain inet alsafe allow_n1\n"));
        Assert.That(repair.Script.Split('\n').Count(line => line.StartsWith("add rule inet alsafe allow_n1 ", StringComparison.Ordinal)), Is.EqualTo(4));
    }

    [Test]
    public void Missing_elements_alone_are_added_without_touching_the_rest()
    {
        var extra = new EdgeElement(TrafficDirection.In, EdgeLab.Vm2, SocketProtocol.Tcp, 22, AddressPrefix.Create(IPAddress.Any, 0), PortRange.Any);

        var repair = EdgeRepair.Compute(Sample(), Node, [.. EdgeSamples.Web.Elements, extra]);

        Assert.That(repair.Findings, Has.Some.EqualTo("set svc4_n1: 1 of 3 expected elements missing, 0 unexpected, 0 unreadable"));
        Assert.That(repair.Script, Does.Contain("add element inet alsafe svc4_n1 { 192.0.2.11 . tcp . 22 . 0.0.0.0/0 . 0-65535 }\n"));
        Assert.That(repair.Script, Does.Not.Contain("delete set").And.Not.Contain("flush chain inet alsafe allow_n1"));
    }

    [Test]
    public void Unexpected_elements_are_deleted_and_unreadable_ones_make_the_set_declared_again()
    {
        var sample = Sample();
        var outbound = sample.Sets["out4_n1"];
        var edge = new EdgeTableState(sample.Chains.Values, sample.Sets.Values.Select(set => set.Name switch
        {
            "out4_n1" => set with { Elements = [.. outbound.Elements, outbound.Elements[0] with { VmPort = 40001 }] },
            "svc6_n1" => set with { Unreadable = ["{\"concat\":[\"fd00:a15a::10\",\"sctp\",1,\"::\",1]}"] },
            _ => set,
        }));

        var repair = EdgeRepair.Compute(edge, Node, EdgeSamples.Web.Elements);

        Assert.That(repair.Findings, Has.Some.EqualTo("set out4_n1: 0 of 1 expected elements missing, 1 unexpected, 0 unreadable"));
        Assert.That(repair.Findings, Has.Some.StartWith("set svc6_n1: 0 of 1 expected elements missing, 0 unexpected, 1 unreadable (first: {\"concat\""));
        Assert.That(repair.Script, Does.Contain("delete element inet alsafe out4_n1 { 192.0.2.10 . tcp . 40001 . 203.0.113.1 . 8443 }\n"));
        Assert.That(repair.Script, Does.Contain("flush chain inet alsafe allow_n1\n").And.Contain("delete set inet alsafe svc6_n1\n"));
        Assert.That(repair.Script, Does.Contain("add element inet alsafe svc6_n1 { fd00:a15a::10 . tcp . 443 . 2001:db8:ff::/48 . 0-65535 }\n"));
    }

    [Test]
    public void Without_expected_elements_the_elements_are_left_as_they_are()
    {
        var sample = Sample();
        var edge = new EdgeTableState(sample.Chains.Values, sample.Sets.Values.Select(set => set with { Elements = [] }));

        Assert.That(EdgeRepair.Compute(edge, Node, null).Findings, Is.EqualTo(new[] { "chain nodes: rule handle 25 (counter accept) enters no node's chain" }));
    }

    [Test]
    public void A_set_of_another_type_and_changed_protected_prefixes_are_declared_again()
    {
        var sample = Sample();
        var edge = new EdgeTableState(sample.Chains.Values, sample.Sets.Values.Select(set => set.Name switch
        {
            "out6_n1" => set with { Flags = ["interval", "timeout"] },
            "prot4_n1" => set with { Prefixes = [AddressPrefix.Create(IPAddress.Parse("192.0.2.0"), 25)] },
            _ => set,
        }).Where(set => set.Name != "svc6_n1"));

        var repair = EdgeRepair.Compute(edge, Node, EdgeSamples.Web.Elements);

        Assert.That(repair.Findings, Has.Some.EqualTo("set svc6_n1 is missing"));
        Assert.That(repair.Findings, Has.Some.StartWith("set out6_n1 has type ipv6_addr . inet_proto . inet_service . ipv6_addr . inet_service flags [interval,timeout], not"));
        Assert.That(repair.Findings, Has.Some.EqualTo("set prot4_n1 holds 192.0.2.0/25, not the protected prefixes 192.0.2.0/24"));
        Assert.That(repair.Script, Does.Contain("delete set inet alsafe out6_n1\n").And.Contain("delete set inet alsafe prot4_n1\n"));
        Assert.That(repair.Script, Does.Contain("flush chain inet alsafe allow_n1\n").And.Contain("flush chain inet alsafe guard_n1\n"));
        Assert.That(repair.Script, Does.Contain("add element inet alsafe prot4_n1 { 192.0.2.0/24 }\n"));
    }

    private static EdgeTableState Sample() => NftJsonReader.ReadTable(NftJsonSamples.Table);

    private static EdgeTableState With(EdgeTableState table, string chain, Func<IReadOnlyList<EdgeRuleState>, IReadOnlyList<EdgeRuleState>> rules) =>
        new(table.Chains.Values.Select(c => c.Name == chain ? c with { Rules = rules(c.Rules) } : c), table.Sets.Values);

    private static EdgeRuleState Jump(long handle, string target, string comment) => new(handle, [], [], [$"jump {target}"], comment);
}
