using System.Net.Sockets;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>One of a node's sets: its name, key type and whether it takes intervals; <see cref="Direction"/> is null
/// for the protected-prefix sets, whose elements are plain prefixes.</summary>
internal sealed record EdgeSetDefinition(string Name, AddressFamily Family, TrafficDirection? Direction)
{
    public bool IsInterval => Direction != TrafficDirection.Out;

    public IReadOnlyList<string> Type
    {
        get
        {
            var address = Family == AddressFamily.InterNetwork ? "ipv4_addr" : "ipv6_addr";
            return Direction is null ? [address] : [address, "inet_proto", "inet_service", address, "inet_service"];
        }
    }

    public string Declaration =>
        $"add set {NftFormatter.Family} {NftFormatter.Table} {Name} {{ type {string.Join(" . ", Type)};{(IsInterval ? " flags interval;" : string.Empty)} }}";

    public bool IsMatchedBy(EdgeSetState set) =>
        set.Type.SequenceEqual(Type, StringComparer.Ordinal)
        && set.Flags.Contains("interval", StringComparer.Ordinal) == IsInterval
        && set.Flags.All(flag => flag == "interval");
}
