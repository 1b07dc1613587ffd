namespace AlSafe.Interop.OpenFlow;

/// <summary>The filter of an OFPMP_FLOW (1.5: OFPMP_FLOW_DESC) request; the defaults select every flow.</summary>
public sealed record FlowStatsRequest
{
    private readonly OxmMatch _match = OxmMatch.Any;

    public static FlowStatsRequest All { get; } = new();

    public byte TableId { get; init; } = OpenFlowTable.All;

    public uint OutPort { get; init; } = OpenFlowPort.Any;

    public uint OutGroup { get; init; } = OpenFlowGroup.Any;

    public ulong Cookie { get; init; }

    /// <summary>Which cookie bits must equal <see cref="Cookie"/>; 0 for any cookie.</summary>
    public ulong CookieMask { get; init; }

    /// <summary>A non-strict match: flows whose match is at least as specific as this one are selected.</summary>
    public OxmMatch Match
    {
        get => _match;
        init => _match = value ?? throw new ArgumentNullException(nameof(value));
    }
}
