using System.Globalization;
using System.Text;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// Writes flows the way <c>ovs-ofctl -O OpenFlow13 add-flows</c> reads them, with ovs-ofctl's own field names and
/// in the order <c>dump-flows</c> prints them, so an operator can compare a plan with the switch by eye and a test
/// can compare them through ovs-ofctl.
/// </summary>
public static class OfctlFormatter
{
    // Bit order, as Open vSwitch prints ct_state.
    private static readonly (ConntrackStates Bit, string Name)[] CtStateNames =
    [
        (ConntrackStates.New, "new"),
        (ConntrackStates.Established, "est"),
        (ConntrackStates.Related, "rel"),
        (ConntrackStates.Reply, "rpl"),
        (ConntrackStates.Invalid, "inv"),
        (ConntrackStates.Tracked, "trk"),
    ];

    // Bit order, as Open vSwitch prints tcp_flags.
    private static readonly (TcpFlags Bit, string Name)[] TcpFlagNames =
    [
        (TcpFlags.Fin, "fin"),
        (TcpFlags.Syn, "syn"),
        (TcpFlags.Rst, "rst"),
        (TcpFlags.Psh, "psh"),
        (TcpFlags.Ack, "ack"),
        (TcpFlags.Urg, "urg"),
        (TcpFlags.Ece, "ece"),
        (TcpFlags.Cwr, "cwr"),
        (TcpFlags.Ns, "ns"),
    ];

    /// <summary>One flow as one add-flows line, without a line break.</summary>
    public static string Flow(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return string.Join(',', Identity(flow, string.Empty).Append("actions=" + Actions(flow.Actions)));
    }

    /// <summary>Every flow of the plan, one line each, in the plan's order.</summary>
    public static string Plan(FlowPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Lines(plan.Flows.Select(Flow));
    }

    /// <summary>
    /// The diff as one add-flows file (run it with <c>--bundle</c> to apply it atomically): strict deletes, selected by
    /// the exact cookie too so no other owner's flow can go, then adds, which replace flows whose actions changed.
    /// </summary>
    public static string Diff(FlowPlanDiff diff)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var deletes = diff.Removed.Select(flow => "delete_strict " + string.Join(',', Identity(flow, "/-1")));
        return Lines(deletes.Concat(diff.Added.Select(flow => "add " + Flow(flow))));
    }

    /// <summary>The match alone (empty when it matches everything): the canonical text plans are sorted by.</summary>
    public static string Match(FlowMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var fields = new List<string>();
        if (match.CtState is { } ct)
        {
            fields.Add("ct_state=" + CtState(ct));
        }

        Add(fields, "ct_zone", match.CtZone);
        if (Protocol(match) is { } protocol)
        {
            fields.Add(protocol);
        }

        Add(fields, "in_port", match.InPort);
        Add(fields, "dl_src", match.EthSrc);
        if (match.EthDst is { } dst)
        {
            fields.Add("dl_dst=" + (dst.IsExact ? $"{dst.Value}" : $"{dst.Value}/{dst.Mask}"));
        }

        var ipv6 = match.EthType == EtherType.Ipv6;
        Add(fields, ipv6 ? "ipv6_src" : "nw_src", match.IpSrc.HasValue ? Prefix(match.IpSrc.Value) : null);
        Add(fields, ipv6 ? "ipv6_dst" : "nw_dst", match.IpDst.HasValue ? Prefix(match.IpDst.Value) : null);
        Add(fields, "arp_spa", match.ArpSpa);
        Add(fields, "arp_tpa", match.ArpTpa);
        Add(fields, "arp_sha", match.ArpSha);
        Add(fields, "icmp_type", (byte?)match.Icmpv6Type);
        Add(fields, "nd_target", match.NdTarget);
        Add(fields, "tp_src", match.TpSrc.HasValue ? Port(match.TpSrc.Value) : null);
        Add(fields, "tp_dst", match.TpDst.HasValue ? Port(match.TpDst.Value) : null);
        if (match.TcpFlags is { } flags)
        {
            fields.Add("tcp_flags=" + Flags(flags));
        }
        return string.Join(',', fields);
    }

    /// <summary>The action list; <c>drop</c> when it is empty.</summary>
    public static string Actions(IReadOnlyList<FlowAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        return actions.Count == 0 ? "drop" : string.Join(',', actions.Select(Action));
    }

    // The cookie mask -1 makes a delete select the flow only if it still carries exactly this cookie.
    private static IEnumerable<string> Identity(Flow flow, string cookieMask)
    {
        yield return string.Create(CultureInfo.InvariantCulture, $"cookie=0x{flow.Cookie:x}{cookieMask}");
        yield return string.Create(CultureInfo.InvariantCulture, $"table={(byte)flow.Table}");
        yield return string.Create(CultureInfo.InvariantCulture, $"priority={flow.Priority}");
        var match = Match(flow.Match);
        if (match.Length > 0)
        {
            yield return match;
        }
    }

    private static string Action(FlowAction action) => action switch
    {
        ConntrackAction ct => Conntrack(ct),
        GotoTableAction go => string.Create(CultureInfo.InvariantCulture, $"goto_table:{(byte)go.Table}"),
        NormalAction => "NORMAL",
        ClearInPortAction => "set_field:0->in_port",
        OutputAction output => string.Create(CultureInfo.InvariantCulture, $"output:{output.Port}"),
        ControllerAction { Meter: { } meter } controller =>
            string.Create(CultureInfo.InvariantCulture, $"controller(max_len={controller.MaxLength},meter_id={meter})"),
        ControllerAction controller => string.Create(CultureInfo.InvariantCulture, $"CONTROLLER:{controller.MaxLength}"),
        _ => throw new ArgumentException($"no ovs-ofctl form for {action}", nameof(action)),
    };

    private static string Conntrack(ConntrackAction ct)
    {
        var parts = new List<string>();
        if (ct.Commit)
        {
            parts.Add("commit");
        }

        if (ct.Table is { } table)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"table={(byte)table}"));
        }

        parts.Add(string.Create(CultureInfo.InvariantCulture, $"zone={ct.Zone}"));
        return $"ct({string.Join(',', parts)})";
    }

    // ovs-ofctl's shorthands for an ether type with its IP protocol, as dump-flows prints them.
    private static string? Protocol(FlowMatch match) => (match.EthType, match.IpProto) switch
    {
        (null, _) => null,
        (EtherType.Arp, _) => "arp",
        (EtherType.Ipv4, null) => "ip",
        (EtherType.Ipv4, IpProtocol.Tcp) => "tcp",
        (EtherType.Ipv4, IpProtocol.Udp) => "udp",
        (EtherType.Ipv6, null) => "ipv6",
        (EtherType.Ipv6, IpProtocol.Tcp) => "tcp6",
        (EtherType.Ipv6, IpProtocol.Udp) => "udp6",
        (EtherType.Ipv6, IpProtocol.Icmpv6) => "icmp6",
        var other => throw new ArgumentException($"no ovs-ofctl shorthand for {other}", nameof(match)),
    };

    private static string CtState(ConntrackStateMatch ct)
    {
        var text = new StringBuilder();
        foreach (var (bit, name) in CtStateNames)
        {
            if ((ct.Mask & bit) != 0)
            {
                text.Append((ct.Bits & bit) != 0 ? '+' : '-').Append(name);
            }
        }

        return text.ToString();
    }

    private static string Flags(TcpFlagsMatch flags)
    {
        var text = new StringBuilder();
        foreach (var (bit, name) in TcpFlagNames)
        {
            if ((flags.Mask & bit) != 0)
            {
                text.Append((flags.Bits & bit) != 0 ? '+' : '-').Append(name);
            }
        }

        return text.ToString();
    }

    private static string Prefix(AddressPrefix prefix) =>
        prefix.Length == prefix.Width ? prefix.Network.ToString() : prefix.ToString();

    private static string Port(MaskedPort port) => port.IsExact
        ? port.Value.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"0x{port.Value:x}/0x{port.Mask:x}");

    private static void Add(List<string> fields, string name, object? value)
    {
        if (value is not null)
        {
            fields.Add(string.Create(CultureInfo.InvariantCulture, $"{name}={value}"));
        }
    }

    private static string Lines(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }
}
