namespace AlSafe.Interop.OpenFlow;

/// <summary>OXM classes this client names. Open vSwitch accepts its Nicira NXM classes inside an OpenFlow 1.2+ OXM
/// match, which is how connection-tracking state (no standard OXM exists for it) is matched.</summary>
public static class OxmClass
{
    /// <summary>Open vSwitch's original NXM_OF_* fields.</summary>
    public const ushort Nxm0 = 0x0000;

    /// <summary>Open vSwitch's NXM_NX_* fields: registers, ct_state, ct_zone, ct_mark, ct_label.</summary>
    public const ushort Nxm1 = 0x0001;

    public const ushort OpenFlowBasic = 0x8000;

    /// <summary>A field qualified by a 32-bit experimenter id that follows the OXM header.</summary>
    public const ushort Experimenter = 0xffff;
}
