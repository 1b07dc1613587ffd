namespace AlSafe.Core.Decisions;

/// <summary>Orders inbound grants by VM address (IPv4 first, then numerically), protocol, port, remote prefix and remote port.</summary>
public sealed class InboundGrantComparer : IComparer<InboundGrant>
{
    private InboundGrantComparer()
    {
    }

    public static InboundGrantComparer Instance { get; } = new();

    public int Compare(InboundGrant? x, InboundGrant? y)
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
            order = x.Port.CompareTo(y.Port);
        }

        if (order == 0)
        {
            order = AddressOrder.Compare(x.Remote, y.Remote);
        }

        return order != 0 ? order : AddressOrder.Compare(x.RemotePort, y.RemotePort);
    }
}
