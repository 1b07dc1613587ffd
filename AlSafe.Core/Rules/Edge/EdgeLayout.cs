using System.Net.Sockets;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// The shape of table <c>inet alsafe</c> on an edge shared by several compute nodes. Shared, and the same whoever
/// writes it: the base chain <see cref="BaseChain"/> (hook forward, policy accept, so traffic of no protected VM
/// passes untouched) accepts established and related packets, then jumps to <see cref="NodesChain"/>, then to
/// <see cref="GuardChain"/>. Per node: one rule in <see cref="NodesChain"/> jumping to the node's allow chain (its four
/// set lookups, each accepting), one rule in <see cref="GuardChain"/> jumping to the node's guard chain (drops to and
/// from its protected prefixes). An accept in any node's allow chain ends the base chain, so the drops only meet
/// packets that no node's element allows, whichever node holds the element and in whatever order the jumps stand.
/// </summary>
public static class EdgeLayout
{
    public const string BaseChain = "forward";
    public const string NodesChain = "nodes";
    public const string GuardChain = "guard";

    internal const string BaseChainDeclaration = "{ type filter hook forward priority filter; policy accept; }";

    internal static IReadOnlyList<EdgeRuleDefinition> BaseRules { get; } =
    [
        new("ct state established,related accept comment \"alsafe: replies and related\"", ["ct state"], [], "accept", "alsafe: replies and related"),
        new($"jump {NodesChain} comment \"alsafe: what some node allows\"", [], [], $"jump {NodesChain}", "alsafe: what some node allows"),
        new($"jump {GuardChain} comment \"alsafe: drop the rest to and from protected prefixes\"", [], [], $"jump {GuardChain}",
            "alsafe: drop the rest to and from protected prefixes"),
    ];

    /// <summary>Accepts new connections matching one of the node's elements. Each set holds VM address . protocol .
    /// VM port . remote address . remote port, so an inbound packet is looked up by destination first and an
    /// outbound one by source first.</summary>
    internal static IReadOnlyList<EdgeRuleDefinition> AllowRules(EdgeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return
        [
            Lookup(node, TrafficDirection.In, AddressFamily.InterNetwork),
            Lookup(node, TrafficDirection.In, AddressFamily.InterNetworkV6),
            Lookup(node, TrafficDirection.Out, AddressFamily.InterNetwork),
            Lookup(node, TrafficDirection.Out, AddressFamily.InterNetworkV6),
        ];
    }

    internal static IReadOnlyList<EdgeRuleDefinition> GuardRules(EdgeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return
        [
            Drop(node, AddressFamily.InterNetwork, "daddr", "to"),
            Drop(node, AddressFamily.InterNetwork, "saddr", "from"),
            Drop(node, AddressFamily.InterNetworkV6, "daddr", "to"),
            Drop(node, AddressFamily.InterNetworkV6, "saddr", "from"),
        ];
    }

    internal static EdgeRuleDefinition NodesJump(EdgeNode node) => Jump(node.AllowChain, $"alsafe node {node.Name}: its elements");

    internal static EdgeRuleDefinition GuardJump(EdgeNode node) => Jump(node.GuardChain, $"alsafe node {node.Name}: its protected prefixes");

    internal static IReadOnlyList<EdgeSetDefinition> Sets(EdgeNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return
        [
            new(node.SetName(TrafficDirection.In, AddressFamily.InterNetwork), AddressFamily.InterNetwork, TrafficDirection.In),
            new(node.SetName(TrafficDirection.In, AddressFamily.InterNetworkV6), AddressFamily.InterNetworkV6, TrafficDirection.In),
            new(node.SetName(TrafficDirection.Out, AddressFamily.InterNetwork), AddressFamily.InterNetwork, TrafficDirection.Out),
            new(node.SetName(TrafficDirection.Out, AddressFamily.InterNetworkV6), AddressFamily.InterNetworkV6, TrafficDirection.Out),
            new(node.ProtectSetName(AddressFamily.InterNetwork), AddressFamily.InterNetwork, null),
            new(node.ProtectSetName(AddressFamily.InterNetworkV6), AddressFamily.InterNetworkV6, null),
        ];
    }

    private static EdgeRuleDefinition Lookup(EdgeNode node, TrafficDirection direction, AddressFamily family)
    {
        var ip = family == AddressFamily.InterNetwork ? "ip" : "ip6";
        var (vm, remote, vmPort, remotePort) = direction == TrafficDirection.In
            ? ("daddr", "saddr", "dport", "sport")
            : ("saddr", "daddr", "sport", "dport");
        var key = $"{ip} {vm} . meta l4proto . th {vmPort} . {ip} {remote} . th {remotePort}";
        var set = node.SetName(direction, family);
        var comment = $"alsafe node {node.Name}: {(direction == TrafficDirection.In ? "inbound services" : "outbound connections")} {ip}";
        return new($"{key} @{set} accept comment \"{comment}\"", [key], [set], "accept", comment);
    }

    private static EdgeRuleDefinition Drop(EdgeNode node, AddressFamily family, string field, string way)
    {
        var ip = family == AddressFamily.InterNetwork ? "ip" : "ip6";
        var set = node.ProtectSetName(family);
        var comment = $"alsafe node {node.Name}: {way} protected {ip}";
        return new($"{ip} {field} @{set} drop comment \"{comment}\"", [$"{ip} {field}"], [set], "drop", comment);
    }

    private static EdgeRuleDefinition Jump(string target, string comment) =>
        new($"jump {target} comment \"{comment}\"", [], [], $"jump {target}", comment);
}
