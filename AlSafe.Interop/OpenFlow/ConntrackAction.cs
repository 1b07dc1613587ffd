using System.Globalization;
using System.Text;

namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// Open vSwitch's ct() action (Nicira NXAST_CT): send the packet through the connection tracker in a zone, optionally
/// commit it, and optionally recirculate it into a table where ct_state/ct_zone can be matched.
/// </summary>
public sealed record ConntrackAction : OpenFlowAction
{
    /// <summary>NX_CT_RECIRC_NONE: do not recirculate; the packet continues with the next action.</summary>
    public const byte NoRecirculation = 0xff;

    private readonly IReadOnlyList<OpenFlowAction> _actions = [];

    public ConntrackFlags Flags { get; init; }

    /// <summary>The zone when <see cref="ZoneSource"/> is 0; otherwise the ofs_nbits of the zone's source field.</summary>
    public ushort Zone { get; init; }

    /// <summary>0 for an immediate <see cref="Zone"/>; otherwise the NXM header of the field the zone is taken from.</summary>
    public uint ZoneSource { get; init; }

    /// <summary>The table to recirculate into, <see cref="NoRecirculation"/> for none.</summary>
    public byte RecirculationTable { get; init; } = NoRecirculation;

    /// <summary>An application-layer gateway (21 ftp, 69 tftp); 0 for none.</summary>
    public ushort Alg { get; init; }

    /// <summary>Actions run on the connection when it is committed: set_field of ct_mark or ct_label, nat.</summary>
    public IReadOnlyList<OpenFlowAction> Actions
    {
        get => _actions;
        init => _actions = [.. value ?? throw new ArgumentNullException(nameof(value))];
    }

    public bool Equals(ConntrackAction? other) =>
        other is not null && Flags == other.Flags && Zone == other.Zone && ZoneSource == other.ZoneSource &&
        RecirculationTable == other.RecirculationTable && Alg == other.Alg && Actions.SequenceEqual(other.Actions);

    public override int GetHashCode() => HashCode.Combine(Flags, Zone, ZoneSource, RecirculationTable, Alg, Actions.Count);

    /// <summary>Open vSwitch's syntax: ct(commit,zone=5,table=2,exec(set_field:...)).</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Flags.HasFlag(ConntrackFlags.Commit))
        {
            parts.Add("commit");
        }

        if (Flags.HasFlag(ConntrackFlags.Force))
        {
            parts.Add("force");
        }

        if (RecirculationTable != NoRecirculation)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"table={RecirculationTable}"));
        }

        if (ZoneSource != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"zone=nxm(0x{ZoneSource:x8})[{Zone >> 6}..{(Zone >> 6) + (Zone & 0x3f)}]"));
        }
        else if (Zone != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"zone={Zone}"));
        }

        if (Alg != 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"alg={Alg}"));
        }

        if (Actions.Count > 0)
        {
            parts.Add($"exec({string.Join(",", Actions)})");
        }

        return new StringBuilder("ct(").AppendJoin(',', parts).Append(')').ToString();
    }
}
