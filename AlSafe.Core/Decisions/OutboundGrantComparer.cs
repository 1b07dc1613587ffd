namespace AlSafe.Core.Decisions;

/// <summary>Orders outbound grants by VM address (IPv4 first, then numerically), protocol, local port, remote address and remote port.</summary>
public sealed class OutboundGrantComparer : IComparer<OutboundGrant>
{
    private OutboundGrantComparer()
    {
    }

    public static OutboundGrantComparer Instance { get; } = new();

    public int Compare(OutboundGrant? x, OutboundGrant? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var order = AddressOrder.Compare(x.VmAddress, y.VmAddress);
        if (order == 0)
        {
            order = ((ushort)x.Protocol).CompareTo((ushort)y.Protocol);
        }

        if (order == 0)
        {
            order = x.LocalPort.CompareTo(y.LocalPort);
        }

        if (order == 0)
        {
            order = AddressOrder.Compare(x.RemoteAddress, y.RemoteAddress);
        }

        return order != 0 ? order : x.RemotePort.CompareTo(y.RemotePort);
    }
}
