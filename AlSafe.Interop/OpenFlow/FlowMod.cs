using System.Globalization;
using System.Text;

namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// An OFPT_FLOW_MOD, and also the shape of a flow read back from the switch (<see cref="FlowStatsEntry.Flow"/>),
/// so a desired table and the switch's actual table compare with ==.
/// </summary>
/// <remarks>
/// The defaults are those of a plain add: table 0, priority 0x8000, no timeouts, no buffer, out_port and out_group
/// ANY (the delete filters), no cookie mask. Equality compares every field; the match ignores field order.
/// </remarks>
public sealed record FlowMod
{
    /// <summary>OFP_DEFAULT_PRIORITY.</summary>
    public const ushort DefaultPriority = 0x8000;

    private readonly OxmMatch _match = OxmMatch.Any;
    private readonly IReadOnlyList<OpenFlowInstruction> _instructions = [];

    public FlowModCommand Command { get; init; } = FlowModCommand.Add;

    public ulong Cookie { get; init; }

    /// <summary>For modify and delete: which cookie bits must equal <see cref="Cookie"/> (all ones: exactly this
    /// cookie). 0 selects regardless of cookie.</summary>
    public ulong CookieMask { get; init; }

    /// <summary>The table; <see cref="OpenFlowTable.All"/> is allowed for deletes only.</summary>
    public byte TableId { get; init; }

    public ushort Priority { get; init; } = DefaultPriority;

    /// <summary>Seconds without a matching packet before the flow expires; 0 for never.</summary>
    public ushort IdleTimeout { get; init; }

    /// <summary>Seconds after which the flow expires whatever happens; 0 for never.</summary>
    public ushort HardTimeout { get; init; }

    public uint BufferId { get; init; } = OpenFlowBuffer.None;

    /// <summary>For deletes: only flows that output to this port; <see cref="OpenFlowPort.Any"/> for no filter.</summary>
    public uint OutPort { get; init; } = OpenFlowPort.Any;

    /// <summary>For deletes: only flows that output to this group; <see cref="OpenFlowGroup.Any"/> for no filter.</summary>
    public uint OutGroup { get; init; } = OpenFlowGroup.Any;

    public FlowModFlags Flags { get; init; }

    /// <summary>Eviction precedence; OpenFlow 1.4 and later only (must be 0 on 1.3).</summary>
    public ushort Importance { get; init; }

    public OxmMatch Match
    {
        get => _match;
        init => _match = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>No instructions means drop.</summary>
    public IReadOnlyList<OpenFlowInstruction> Instructions
    {
        get => _instructions;
        init => _instructions = [.. value ?? throw new ArgumentNullException(nameof(value))];
    }

    /// <summary>A delete of every flow, in every table, whose cookie is exactly <paramref name="cookie"/>.</summary>
    public static FlowMod DeleteByCookie(ulong cookie, byte tableId = OpenFlowTable.All) => new()
    {
        Command = FlowModCommand.Delete,
        TableId = tableId,
        Cookie = cookie,
        CookieMask = ulong.MaxValue,
    };

    public bool Equals(FlowMod? other) =>
        other is not null && Command == other.Command && Cookie == other.Cookie && CookieMask == other.CookieMask &&
        TableId == other.TableId && Priority == other.Priority && IdleTimeout == other.IdleTimeout &&
        HardTimeout == other.HardTimeout && BufferId == other.BufferId && OutPort == other.OutPort &&
        OutGroup == other.OutGroup && Flags == other.Flags && Importance == other.Importance && Match.Equals(other.Match) &&
        Instructions.SequenceEqual(other.Instructions);

    public override int GetHashCode() => HashCode.Combine(Command, Cookie, TableId, Priority, Match, Instructions.Count);

    /// <summary>One line in the spirit of ovs-ofctl: "add table=1 priority=100 cookie=0x2a tcp_dst=80
    /// actions=ct(commit,zone=5),goto_table:2", for logs and error messages.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Command switch
        {
            FlowModCommand.Add => "add",
            FlowModCommand.Modify => "modify",
            FlowModCommand.ModifyStrict => "modify_strict",
            FlowModCommand.Delete => "delete",
            FlowModCommand.DeleteStrict => "delete_strict",
            _ => $"command_{(byte)Command}",
        });
        var invariant = CultureInfo.InvariantCulture;
        text.Append(invariant, $" table={(TableId == OpenFlowTable.All ? "all" : TableId.ToString(invariant))}");
        if (Command is not (FlowModCommand.Delete or FlowModCommand.Modify) || Priority != DefaultPriority)
        {
            text.Append(invariant, $" priority={Priority}");
        }

        if (Cookie != 0 || CookieMask != 0)
        {
            text.Append(invariant, $" cookie=0x{Cookie:x}");
            if (CookieMask != 0)
            {
                text.Append(invariant, $"/0x{CookieMask:x}");
            }
        }

        if (IdleTimeout != 0)
        {
            text.Append(invariant, $" idle_timeout={IdleTimeout}");
        }

        if (HardTimeout != 0)
        {
            text.Append(invariant, $" hard_timeout={HardTimeout}");
        }

        if (Flags != FlowModFlags.None)
        {
            text.Append(invariant, $" flags={Flags}");
        }

        if (Match.Fields.Count > 0)
        {
            text.Append(' ').Append(Match);
        }

        if (Command is FlowModCommand.Add or FlowModCommand.Modify or FlowModCommand.ModifyStrict)
        {
            text.Append(" actions=").Append(FormatInstructions(Instructions));
        }

        return text.ToString();
    }

    internal static string FormatInstructions(IReadOnlyList<OpenFlowInstruction> instructions) =>
        instructions.Count == 0 ? "drop" : string.Join(",", instructions);
}
