namespace AlSafe.Interop.OpenFlow;

/// <summary>A decoded OFPT_FEATURES_REPLY.</summary>
/// <param name="DatapathId">The bridge's datapath id: the low 48 bits are usually a MAC address of the bridge.</param>
/// <param name="BufferCount">How many packets the switch can buffer; Open vSwitch reports 0, it never buffers.</param>
/// <param name="TableCount">The number of flow tables.</param>
/// <param name="AuxiliaryId">0 on a main connection.</param>
public sealed record SwitchFeatures(ulong DatapathId, uint BufferCount, byte TableCount, byte AuxiliaryId, SwitchCapabilities Capabilities)
{
    public override string ToString() =>
        $"dpid {DatapathId:x16}, {TableCount} tables, {BufferCount} buffers, capabilities {Capabilities}";
}
