using System.Net;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// The canonical order of edge elements: by set (direction, then IPv4 before IPv6), then field by field numerically,
/// so addresses sort as numbers (10.0.0.9 before 10.0.0.10) and the rendered text is stable.
/// </summary>
internal sealed class EdgeElementOrder : IComparer<EdgeElement>
{
    public static EdgeElementOrder Instance { get; } = new();

    public int Compare(EdgeElement? x, EdgeElement? y)
    {
        if (x is null || y is null)
        {
            return (x is null).CompareTo(y is null);
        }

        var order = x.Direction.CompareTo(y.Direction);
        order = order != 0 ? order : CompareAddresses(x.VmAddress, y.VmAddress);
        order = order != 0 ? order : x.Protocol.CompareTo(y.Protocol);
        order = order != 0 ? order : x.VmPort.CompareTo(y.VmPort);
        order = order != 0 ? order : ComparePrefixes(x.Remote, y.Remote);
        order = order != 0 ? order : x.RemotePort.First.CompareTo(y.RemotePort.First);
        return order != 0 ? order : x.RemotePort.Last.CompareTo(y.RemotePort.Last);
    }

    private static int ComparePrefixes(AddressPrefix x, AddressPrefix y)
    {
        var order = x.Width.CompareTo(y.Width);
        order = order != 0 || x.IsAny ? order : CompareAddresses(x.Network, y.Network);
        return order != 0 ? order : x.Length.CompareTo(y.Length);
    }

    // Shorter (IPv4) first, then byte by byte.
    private static int CompareAddresses(IPAddress x, IPAddress y)
    {
        var a = x.GetAddressBytes();
        var b = y.GetAddressBytes();
        var order = a.Length.CompareTo(b.Length);
        return order != 0 ? order : a.AsSpan().SequenceCompareTo(b);
    }
}
