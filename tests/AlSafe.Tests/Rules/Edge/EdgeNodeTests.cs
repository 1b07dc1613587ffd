using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Whitelist;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Edge;

public sealed class EdgeNodeTests
{
    [Test]
    public void Every_object_of_a_node_carries_its_name()
    {
        var node = new EdgeNode("compute-01", EdgeLab.Protected);

        Assert.That(node.SetNames, Is.EqualTo(new[] { "svc4_compute-01", "svc6_compute-01", "out4_compute-01", "out6_compute-01", "prot4_compute-01", "prot6_compute-01" }));
        Assert.That(node.AllowChain, Is.EqualTo("allow_compute-01"));
        Assert.That(node.GuardChain, Is.EqualTo("guard_compute-01"));
        Assert.That(node.SetName(TrafficDirection.Out, AddressFamily.InterNetworkV6), Is.EqualTo("out6_compute-01"));
        Assert.That(node.ProtectSetName(AddressFamily.InterNetwork), Is.EqualTo("prot4_compute-01"));
        Assert.That(EdgeSamples.Web.Elements.Select(node.SetName).Distinct(), Is.EqualTo(new[] { "svc4_compute-01", "svc6_compute-01", "out4_compute-01" }));
        Assert.That(EdgeNode.SetNamesOf("compute-01"), Is.EqualTo(node.SetNames));
    }

    [TestCase("")]
    [TestCase("-n1")]
    [TestCase("_n1")]
    [TestCase("n 1")]
    [TestCase("n.1")]
    [TestCase("n1;flush")]
    [TestCase("nœud")]
    [TestCase("n\"1")]
    [TestCase("abcdefghijklmnopqrstuvwxyz0123456")]
    public void A_name_that_would_not_be_a_plain_nft_identifier_is_refused(string name)
    {
        Assert.That(EdgeNode.IsValidName(name), Is.False);
        Assert.Throws<ArgumentException>(() => _ = new EdgeNode(name, EdgeLab.Protected));
        Assert.Throws<ArgumentException>(() => EdgeNode.SetNamesOf(name));
    }

    [Test]
    public void Protected_prefixes_are_sorted_and_a_prefix_inside_another_is_dropped()
    {
        var node = new EdgeNode("n1",
        [
            Prefix("fd00:a15a::", 64), Prefix("192.0.2.128", 25), Prefix("192.0.2.0", 24), Prefix("10.0.0.0", 8), Prefix("192.0.2.0", 24),
            Prefix("fd00:a15a::", 48),
        ]);

        Assert.That(node.ProtectedPrefixes, Is.EqualTo(new[] { Prefix("10.0.0.0", 8), Prefix("192.0.2.0", 24), Prefix("fd00:a15a::", 48) }));
        Assert.That(node, Is.EqualTo(new EdgeNode("n1", [Prefix("fd00:a15a::", 48), Prefix("10.0.0.0", 8), Prefix("192.0.2.0", 24)])));
    }

    [Test]
    public void A_node_must_protect_something_and_star_is_no_prefix()
    {
        Assert.That(() => new EdgeNode("n1", []), Throws.ArgumentException.With.Message.Contains("protects no prefix"));
        Assert.That(() => new EdgeNode("n1", [AddressPrefix.Any]), Throws.ArgumentException.With.Message.Contains("'*' is no prefix"));
    }

    private static AddressPrefix Prefix(string network, int length) => AddressPrefix.Create(IPAddress.Parse(network), length);
}
