using System.Globalization;

namespace AlSafe.Interop.OpenFlow;

/// <summary>OFPIT_GOTO_TABLE: continue in a later table. The table must be higher than the flow's own: the switch
/// refuses a backwards goto (OFPBIC_BAD_TABLE_ID), which is what keeps the pipeline loop-free.</summary>
public sealed record GotoTableInstruction(byte Table) : OpenFlowInstruction
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"goto_table:{Table}");
}
