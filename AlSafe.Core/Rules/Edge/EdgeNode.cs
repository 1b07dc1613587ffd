using System.Net.Sockets;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// One compute node's share of the edge firewall: the node's own sets and chains in table <c>inet alsafe</c>, named
/// after it, and the VM prefixes it guards. Every node writes only objects carrying its own name, so nodes sharing an
/// edge never write the same set: the kernel refuses an element overlapping another in an interval set, and two
/// nodes holding elements for one VM address (a live migration) would otherwise refuse each other's updates.
/// </summary>
public sealed record EdgeNode
{
    /// <summary>Long enough for host names, short enough that every derived nft name stays far below nft's limit.</summary>
    public const int MaxNameLength = 32;

    public EdgeNode(string name, IEnumerable<AddressPrefix> protectedPrefixes)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(protectedPrefixes);
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"node name '{name}' must be 1 to {MaxNameLength} letters, digits, '_' or '-', starting with a letter or digit", nameof(name));
        }

        Name = name;
        ProtectedPrefixes = Normalize(protectedPrefixes);
        if (ProtectedPrefixes.Count == 0)
        {
            throw new ArgumentException($"node {name} protects no prefix: its VMs' other traffic would pass the edge", nameof(protectedPrefixes));
        }
    }

    public string Name { get; }

    /// <summary>The prefixes whose unmatched traffic the node's guard chain drops, sorted, none inside another (the
    /// kernel refuses nested elements in an interval set; dropping the inner one changes nothing).</summary>
    public IReadOnlyList<AddressPrefix> ProtectedPrefixes { get; }

    /// <summary>The chain of the node's four lookups, jumped to from the shared chain <see cref="EdgeLayout.NodesChain"/>.</summary>
    public string AllowChain => "allow_" + Name;

    /// <summary>The chain of the node's drops, jumped to from the shared chain <see cref="EdgeLayout.GuardChain"/>.</summary>
    public string GuardChain => "guard_" + Name;

    /// <summary>The node's six sets: svc4, svc6, out4, out6 (elements) and prot4, prot6 (protected prefixes).</summary>
    public IReadOnlyList<string> SetNames => SetNamesOf(Name);

    /// <summary>Letters, digits, '_' and '-' only: the derived names are then nft identifiers that need no quoting
    /// and can never be read as a keyword, since each starts with a fixed prefix.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength }
        && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>The six set names of the node called <paramref name="name"/>, in the order of <see cref="SetNames"/>.</summary>
    public static IReadOnlyList<string> SetNamesOf(string name)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a node name", nameof(name));
        }

        return [.. new[] { "svc4", "svc6", "out4", "out6", "prot4", "prot6" }.Select(kind => $"{kind}_{name}")];
    }

    public string SetName(TrafficDirection direction, AddressFamily family) =>
        (direction == TrafficDirection.In ? "svc" : "out") + FamilyDigit(family) + "_" + Name;

    public string SetName(EdgeElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return SetName(element.Direction, element.VmAddress.AddressFamily);
    }

    public string ProtectSetName(AddressFamily family) => "prot" + FamilyDigit(family) + "_" + Name;

    public bool Equals(EdgeNode? other) =>
        other is not null && Name == other.Name && ProtectedPrefixes.SequenceEqual(other.ProtectedPrefixes);

    public override int GetHashCode() => HashCode.Combine(Name, ProtectedPrefixes.Count);

    private static string FamilyDigit(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => "4",
        AddressFamily.InterNetworkV6 => "6",
        _ => throw new ArgumentException($"address family {family} is neither IPv4 nor IPv6", nameof(family)),
    };

    private static List<AddressPrefix> Normalize(IEnumerable<AddressPrefix> prefixes)
    {
        var all = prefixes.ToList();
        if (all.Any(prefix => prefix.IsAny))
        {
            throw new ArgumentException("'*' is no prefix: name IPv4 and IPv6 prefixes", nameof(prefixes));
        }

        return [.. all.Distinct()
            .Where(prefix => !all.Any(other => other != prefix && other.Covers(prefix)))
            .OrderBy(prefix => prefix.Width)
            .ThenBy(prefix => prefix.Network.GetAddressBytes(), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y)))
            .ThenBy(prefix => prefix.Length)];
    }
}
