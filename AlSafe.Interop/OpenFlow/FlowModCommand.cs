namespace AlSafe.Interop.OpenFlow;

/// <summary>ofp_flow_mod_command.</summary>
public enum FlowModCommand : byte
{
    /// <summary>Add a flow. One with the same table, priority and match is replaced; its counters carry over unless
    /// <see cref="FlowModFlags.ResetCounts"/> is set.</summary>
    Add = 0,

    /// <summary>Change the instructions of every flow the match covers (non-strict: a wildcard subset).</summary>
    Modify = 1,

    /// <summary>Change the instructions of the flow with exactly this match and priority.</summary>
    ModifyStrict = 2,

    /// <summary>Delete every flow the match covers, filtered by cookie/cookie_mask, out_port and out_group.</summary>
    Delete = 3,

    /// <summary>Delete the flow with exactly this match and priority.</summary>
    DeleteStrict = 4,
}
