using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>A total order on addresses, prefixes and port ranges: IPv4 before IPv6, then numerically.</summary>
internal static class AddressOrder
{
    public static int Compare(IPAddress x, IPAddress y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        var order = ((int)x.AddressFamily).CompareTo((int)y.AddressFamily);
        if (order != 0)
        {
            return order;
        }

        Span<byte> xBytes = stackalloc byte[16];
        Span<byte> yBytes = stackalloc byte[16];
        x.TryWriteBytes(xBytes, out var xLength);
        y.TryWriteBytes(yBytes, out var yLength);
        order = xBytes[..xLength].SequenceCompareTo(yBytes[..yLength]);

        // IPAddress equality counts the scope, so the order must too, or two unequal grants would sort as duplicates.
        return order == 0 && x.AddressFamily == AddressFamily.InterNetworkV6 ? x.ScopeId.CompareTo(y.ScopeId) : order;
    }

    public static int Compare(AddressPrefix x, AddressPrefix y)
    {
        var order = ((int)x.Family).CompareTo((int)y.Family);
        if (order != 0 || x.IsAny)
        {
            return order;
        }

        // The bits order a family's networks as their addresses do, without making an IPAddress per comparison.
        order = x.Bits.CompareTo(y.Bits);
        return order != 0 ? order : x.Length.CompareTo(y.Length);
    }

    public static int Compare(PortRange x, PortRange y)
    {
        var order = x.First.CompareTo(y.First);
        return order != 0 ? order : x.Last.CompareTo(y.Last);
    }
}
