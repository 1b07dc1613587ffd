using AlSafe.Core.Rules.Edge;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Edge;

/// <summary>
/// Repairs against the real kernel, without SSH: the table is installed in a network namespace of the test's own,
/// damaged by hand with nft, read back with <c>nft -j</c>, repaired with the computed transaction, and read back
/// again: afterwards nothing may differ, and node n2's share, installed beside it, must be untouched.
/// </summary>
[NonParallelizable]
public sealed class EdgeKernelRepairTests
{
    private static readonly EdgeNode Node = EdgeLab.Node("n1");
    private static readonly EdgeNode Other = EdgeLab.Node("n2");
    private static readonly IReadOnlyList<EdgeElement> OtherElements = EdgeSamples.Services("db", EdgeLab.Vm2, 5432).Elements;
    private string _namespace = string.Empty;

    public static IEnumerable<TestCaseData> Damage()
    {
        yield return new TestCaseData("flush table inet alsafe").SetName("the table flushed");
        yield return new TestCaseData("delete table inet alsafe").SetName("the table deleted (a reboot)");
        yield return new TestCaseData("flush set inet alsafe svc4_n1").SetName("a set flushed");
        yield return new TestCaseData(
            "delete element inet alsafe svc4_n1 { 192.0.2.10 . tcp . 80 . 0.0.0.0/0 . 0-65535 }\n" +
            "add element inet alsafe out4_n1 { 192.0.2.10 . tcp . 1 . 203.0.113.1 . 1 }\n" +
            "add element inet alsafe out4_n1 { 192.0.2.10 . tcp . 2 . 203.0.113.1 . 2 comment \"by hand\" }").SetName("elements deleted and added by hand");
        yield return new TestCaseData("add element inet alsafe svc6_n1 { fd00:a15a::10 . tcp . 1-9 . ::/0 . 0-65535 }").SetName("an element no node writes");
        yield return new TestCaseData("add rule inet alsafe nodes accept\nadd rule inet alsafe nodes jump allow_n1\ninsert rule inet alsafe guard jump guard_n1")
            .SetName("stray and doubled rules in the shared chains");
        yield return new TestCaseData("flush chain inet alsafe guard").SetName("every node's guard jump gone");
        yield return new TestCaseData("add chain inet alsafe forward { type filter hook forward priority filter; policy drop; }").SetName("the base chain's policy changed");
        yield return new TestCaseData("flush chain inet alsafe forward\nadd rule inet alsafe forward accept").SetName("the base chain's rules replaced");
        yield return new TestCaseData("flush chain inet alsafe allow_n1\ndelete set inet alsafe svc6_n1\nadd set inet alsafe svc6_n1 { type ipv6_addr; }")
            .SetName("a set declared again with another type");
        yield return new TestCaseData("flush set inet alsafe prot4_n1\nadd element inet alsafe prot4_n1 { 10.0.0.0/8 }").SetName("the protected prefixes changed");
        yield return new TestCaseData("add rule inet alsafe guard_n1 counter\nadd rule inet alsafe allow_n1 accept").SetName("rules added to the node's chains");
    }

    [OneTimeSetUp]
    public void CreateNamespace()
    {
        if (Environment.UserName != "root")
        {
            Assert.Ignore("needs root for a network namespace");
        }

        _namespace = $"alsafe-rt-{Guid.NewGuid():n}"[..20];
        Run("ip", "netns", "add", _namespace);
    }

    [OneTimeTearDown]
    public void DeleteNamespace()
    {
        if (_namespace.Length > 0)
        {
            ExternalTool.Run(ExternalTool.Require("ip"), "netns", "del", _namespace);
        }
    }

    [TestCaseSource(nameof(Damage))]
    public void Damage_by_hand_is_repaired_exactly_and_only_in_the_nodes_share(string damage)
    {
        ExternalTool.Run(ExternalTool.Require("ip"), "netns", "exec", _namespace, "nft", "delete", "table", "inet", "alsafe");
        Apply(EdgeRepair.Compute(EdgeTableState.Absent, Node, EdgeSamples.Web.Elements).Script);
        Apply(EdgeRepair.Compute(Read(), Other, OtherElements).Script);
        Assert.That(EdgeRepair.Compute(Read(), Node, EdgeSamples.Web.Elements).Findings, Is.Empty, "as installed");

        Apply(damage);
        var damaged = Read();
        var repair = EdgeRepair.Compute(damaged, Node, EdgeSamples.Web.Elements);
        Assert.That(repair.Findings, Is.Not.Empty, "the damage is seen");
        Apply(repair.Script);

        var after = Read();
        Assert.That(EdgeRepair.Compute(after, Node, EdgeSamples.Web.Elements).Findings, Is.Empty, repair.Script);
        Assert.That(Node.SetNames.Take(4).SelectMany(set => after.Sets[set].Elements), Is.EquivalentTo(EdgeSamples.Web.Elements));
        Assert.That(Share(after, Other), Is.EqualTo(Share(damaged, Other)), "n1's repair leaves n2's share as it found it");
    }

    // The node's sets with their elements, and the shared-chain rules that enter its chains.
    private static string Share(EdgeTableState table, EdgeNode node) =>
        string.Join('\n', node.SetNames.Select(set => table.Sets.TryGetValue(set, out var found)
                ? $"{set}: {string.Join(", ", found.Elements.Select(NftFormatter.Element).Order(StringComparer.Ordinal))} {string.Join(", ", found.Prefixes)}"
                : $"{set}: missing")
            .Concat(new[] { EdgeLayout.NodesChain, EdgeLayout.GuardChain }.Select(chain =>
                $"{chain}: {table.Chains.GetValueOrDefault(chain)?.Rules.Count(rule => rule.Enters(node.AllowChain) || rule.Enters(node.GuardChain)) ?? 0}")));

    private static void Run(string tool, params string[] arguments)
    {
        var (exit, _, error) = ExternalTool.Run(ExternalTool.Require(tool), arguments);
        Assert.That(exit, Is.Zero, $"{tool} {string.Join(' ', arguments)}: {error}");
    }

    private void Apply(string text)
    {
        var file = Path.Combine(Path.GetTempPath(), $"alsafe-edge-{Guid.NewGuid():n}.nft");
        try
        {
            File.WriteAllText(file, text);
            Run("ip", "netns", "exec", _namespace, "nft", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private EdgeTableState Read()
    {
        var (exit, output, _) = ExternalTool.Run(ExternalTool.Require("ip"), "netns", "exec", _namespace, "nft", "-j", "list", "table", "inet", "alsafe");
        return exit == 0 ? NftJsonReader.ReadTable(output) : EdgeTableState.Absent;
    }
}
