using AlSafe.Core.Decisions;

namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// The canonical order of edge elements: by set (direction, then IPv4 before IPv6), then field by field numerically,
/// so addresses sort as numbers (10.0.0.9 before 10.0.0.10) and the rendered text is stable. Two elements compare
/// equal exactly when they are equal, so a sorted rule set needs no hashing to drop duplicates and two rule sets are
/// diffed in one walk.
/// </summary>
internal sealed class EdgeElementOrder : IComparer<EdgeElement>
{
    public static EdgeElementOrder Instance { get; } = new();

    public int Compare(EdgeElement? x, EdgeElement? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        // Enums are compared as numbers: Enum.CompareTo would box both.
        var order = ((byte)x.Direction).CompareTo((byte)y.Direction);
        order = order != 0 ? order : AddressOrder.Compare(x.VmAddress, y.VmAddress);
        order = order != 0 ? order : ((ushort)x.Protocol).CompareTo((ushort)y.Protocol);
        order = order != 0 ? order : x.VmPort.CompareTo(y.VmPort);
        order = order != 0 ? order : AddressOrder.Compare(x.Remote, y.Remote);
        return order != 0 ? order : AddressOrder.Compare(x.RemotePort, y.RemotePort);
    }
}
