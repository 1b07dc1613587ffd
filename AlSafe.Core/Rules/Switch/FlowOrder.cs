using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// The canonical order of flows: table, priority descending (the order in which a packet meets them), the match
/// field by field (ct_state, ct_zone, ether type, IP protocol, in_port, Ethernet source and destination, IP source
/// and destination, ARP sender address, ARP target address, ARP sender MAC, ICMPv6 type, ND target, transport source
/// and destination, TCP flags; a wildcarded field before any value, values numerically), then the actions and the cookie. Two flows compare equal exactly when they are equal, so sorting gives one sequence whatever order the
/// flows came in; and since the key (table, priority, match) leads, flows of one key are neighbours, which lets a
/// plan find key clashes and two plans be diffed in one walk. Values are compared, not text: rendering every flow to
/// sort it cost about a microsecond and a few kilobytes per flow.
/// </summary>
internal sealed class FlowOrder : IComparer<Flow>
{
    public static FlowOrder Instance { get; } = new();

    public int Compare(Flow? x, Flow? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var order = CompareKeys(x, y);
        return order != 0 ? order : CompareBeyondKeys(x, y);
    }

    /// <summary>Compares table, priority and match only: zero when the switch would take one flow for the other.</summary>
    public static int CompareKeys(Flow x, Flow y)
    {
        var order = ((byte)x.Table).CompareTo((byte)y.Table);
        order = order != 0 ? order : y.Priority.CompareTo(x.Priority);
        return order != 0 ? order : CompareMatches(x.Match, y.Match);
    }

    /// <summary>Compares actions and cookie only: for flows of one key, zero exactly when they are equal.</summary>
    public static int CompareBeyondKeys(Flow x, Flow y)
    {
        var order = CompareActions(x.Actions, y.Actions);
        return order != 0 ? order : x.Cookie.CompareTo(y.Cookie);
    }

    /// <summary>Refuses an action this order cannot place, before a sort meets it.</summary>
    public static void CheckActions(Flow flow)
    {
        for (var i = 0; i < flow.Actions.Count; i++)
        {
            Rank(flow.Actions[i]);
        }
    }

    // Enums are compared as numbers throughout: Enum.CompareTo would box both.
    private static int CompareMatches(FlowMatch x, FlowMatch y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        var order = Head(x).CompareTo(Head(y));
        order = order != 0 ? order : Compare(x.InPort, y.InPort);
        order = order != 0 ? order : Compare(x.EthSrc?.Value, y.EthSrc?.Value);
        order = order != 0 ? order : Compare(x.EthDst?.Value.Value, y.EthDst?.Value.Value);
        order = order != 0 ? order : Compare(x.EthDst?.Mask.Value, y.EthDst?.Mask.Value);
        order = order != 0 ? order : Compare(x.IpSrc, y.IpSrc);
        order = order != 0 ? order : Compare(x.IpDst, y.IpDst);
        order = order != 0 ? order : Compare(x.ArpSpa, y.ArpSpa);
        order = order != 0 ? order : Compare(x.ArpTpa, y.ArpTpa);
        order = order != 0 ? order : Compare(x.ArpSha?.Value, y.ArpSha?.Value);
        order = order != 0 ? order : Compare((byte?)x.Icmpv6Type, (byte?)y.Icmpv6Type);
        order = order != 0 ? order : Compare(x.NdTarget, y.NdTarget);
        order = order != 0 ? order : Compare(x.TpSrc?.Value, y.TpSrc?.Value);
        order = order != 0 ? order : Compare(x.TpSrc?.Mask, y.TpSrc?.Mask);
        order = order != 0 ? order : Compare(x.TpDst?.Value, y.TpDst?.Value);
        order = order != 0 ? order : Compare(x.TpDst?.Mask, y.TpDst?.Mask);
        order = order != 0 ? order : Compare((ushort?)x.TcpFlags?.Bits, (ushort?)y.TcpFlags?.Bits);
        return order != 0 ? order : Compare((ushort?)x.TcpFlags?.Mask, (ushort?)y.TcpFlags?.Mask);
    }

    // ct_state, ct_zone, ether type and IP protocol, each behind a bit that sorts a wildcard first, in one number:
    // plans share these fields across most flows, and one comparison of them is cheaper than eight.
    private static ulong Head(FlowMatch match) =>
        (match.CtState is { } ct ? (1UL << 16) | ((ulong)ct.Bits << 8) | (byte)ct.Mask : 0) << 43
        | (match.CtZone is { } zone ? (1UL << 16) | zone : 0) << 26
        | (match.EthType is { } type ? (1UL << 16) | (ushort)type : 0) << 9
        | (match.IpProto is { } proto ? (1UL << 8) | (byte)proto : 0);

    private static int CompareActions(IReadOnlyList<FlowAction> x, IReadOnlyList<FlowAction> y)
    {
        var shared = Math.Min(x.Count, y.Count);
        for (var i = 0; i < shared; i++)
        {
            var order = CompareAction(x[i], y[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return x.Count.CompareTo(y.Count);
    }

    private static int CompareAction(FlowAction x, FlowAction y)
    {
        var order = Rank(x).CompareTo(Rank(y));
        if (order != 0)
        {
            return order;
        }

        switch (x, y)
        {
            case (ConntrackAction a, ConntrackAction b):
                order = a.Commit.CompareTo(b.Commit);
                order = order != 0 ? order : a.Zone.CompareTo(b.Zone);
                return order != 0 ? order : Compare((byte?)a.Table, (byte?)b.Table);
            case (GotoTableAction a, GotoTableAction b):
                return ((byte)a.Table).CompareTo((byte)b.Table);
            case (OutputAction a, OutputAction b):
                return a.Port.CompareTo(b.Port);
            case (ControllerAction a, ControllerAction b):
                order = a.MaxLength.CompareTo(b.MaxLength);
                return order != 0 ? order : Compare(a.Meter, b.Meter);
            default:
                // NORMAL and clearing in_port have no fields: all of each are equal.
                return 0;
        }
    }

    // Every action type is sealed and ranked here; another type has no place in the order (nor an ovs-ofctl form).
    private static int Rank(FlowAction action) => action switch
    {
        ConntrackAction => 0,
        GotoTableAction => 1,
        NormalAction => 2,
        OutputAction => 3,
        ClearInPortAction => 4,
        ControllerAction => 5,
        _ => throw new ArgumentException($"no canonical order for the action {action}", nameof(action)),
    };

    private static int Compare<T>(T? x, T? y)
        where T : struct, IComparable<T> =>
        x.HasValue ? (y.HasValue ? x.GetValueOrDefault().CompareTo(y.GetValueOrDefault()) : 1) : (y.HasValue ? -1 : 0);

    private static int Compare(AddressPrefix? x, AddressPrefix? y) =>
        x.HasValue ? (y.HasValue ? AddressOrder.Compare(x.GetValueOrDefault(), y.GetValueOrDefault()) : 1) : (y.HasValue ? -1 : 0);

    private static int Compare(IPAddress? x, IPAddress? y) =>
        x is not null ? (y is not null ? AddressOrder.Compare(x, y) : 1) : (y is not null ? -1 : 0);
}
