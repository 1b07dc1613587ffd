using System.Globalization;
using System.Net.Sockets;
using System.Text;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// Writes edge elements as statements <c>nft -f</c> accepts, against the sets of table <c>inet alsafe</c>. Inbound
/// services go to svc4/svc6 (interval sets, so the remote can be a prefix and a port range); outbound five-tuples to
/// out4/out6 (exact). All four sets have one shape, VM address . protocol . VM port . remote address . remote port,
/// so one rule form serves both directions.
/// </summary>
public static class NftFormatter
{
    public const string Family = "inet";
    public const string Table = "alsafe";

    private static readonly (TrafficDirection Direction, AddressFamily Family)[] Sets =
    [
        (TrafficDirection.In, AddressFamily.InterNetwork),
        (TrafficDirection.In, AddressFamily.InterNetworkV6),
        (TrafficDirection.Out, AddressFamily.InterNetwork),
        (TrafficDirection.Out, AddressFamily.InterNetworkV6),
    ];

    /// <summary>
    /// The table and the four typed sets. Every statement is an idempotent <c>add</c>, so the text can be loaded before
    /// elements whatever the edge already holds.
    /// </summary>
    public static string SetDeclarations()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"add table {Family} {Table}\n");
        foreach (var (direction, family) in Sets)
        {
            var address = family == AddressFamily.InterNetwork ? "ipv4_addr" : "ipv6_addr";
            var flags = direction == TrafficDirection.In ? " flags interval;" : string.Empty;
            text.Append(CultureInfo.InvariantCulture,
                $"add set {Family} {Table} {SetName(direction, family)} {{ type {address} . inet_proto . inet_service . {address} . inet_service;{flags} }}\n");
        }

        return text.ToString();
    }

    /// <summary>The name of the set an element belongs to: svc4, svc6, out4 or out6.</summary>
    public static string SetName(EdgeElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return SetName(element.Direction, element.VmAddress.AddressFamily);
    }

    /// <summary>The element's key as nft writes it, e.g. <c>192.0.2.10 . tcp . 80 . 0.0.0.0/0 . 0-65535</c>.</summary>
    public static string Element(EdgeElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        var protocol = element.Protocol switch
        {
            SocketProtocol.Tcp => "tcp",
            SocketProtocol.Udp => "udp",
            _ => throw new ArgumentException($"no nft name for protocol {element.Protocol}", nameof(element)),
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"{element.VmAddress} . {protocol} . {element.VmPort} . {Remote(element.Remote)} . {Ports(element.RemotePort)}");
    }

    /// <summary>One <c>add element</c> statement per element of the rule set.</summary>
    public static string Add(EdgeRuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return Statements("add", rules.Elements);
    }

    /// <summary>
    /// The diff as one <c>nft -f</c> file, which the kernel applies as one transaction: deletes first, so an added
    /// element never meets an overlapping one that is on its way out.
    /// </summary>
    public static string Diff(EdgeRuleSetDiff diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        return Statements("delete", diff.Removed) + Statements("add", diff.Added);
    }

    private static string SetName(TrafficDirection direction, AddressFamily family) =>
        (direction == TrafficDirection.In ? "svc" : "out") + (family == AddressFamily.InterNetwork ? "4" : "6");

    private static string Statements(string verb, IEnumerable<EdgeElement> elements)
    {
        var text = new StringBuilder();
        foreach (var element in elements)
        {
            text.Append(CultureInfo.InvariantCulture, $"{verb} element {Family} {Table} {SetName(element)} {{ {Element(element)} }}\n");
        }

        return text.ToString();
    }

    private static string Remote(AddressPrefix remote) =>
        remote.Length == remote.Width ? remote.Network.ToString() : remote.ToString();

    private static string Ports(PortRange ports) => ports.IsSingle
        ? ports.First.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{ports.First}-{ports.Last}");
}
