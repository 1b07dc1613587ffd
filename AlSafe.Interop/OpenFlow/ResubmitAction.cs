using System.Globalization;

namespace AlSafe.Interop.OpenFlow;

/// <summary>Nicira NXAST_RESUBMIT_TABLE: run the packet through another table and come back, as if it had arrived on
/// <paramref name="InPort"/> (0xfff8, the default, keeps its real in_port).</summary>
public sealed record ResubmitAction(byte Table, ushort InPort = ResubmitAction.KeepInPort) : OpenFlowAction
{
    /// <summary>OFPP_IN_PORT in the 16-bit port space of the Nicira action.</summary>
    public const ushort KeepInPort = 0xfff8;

    public override string ToString() => InPort == KeepInPort
        ? string.Create(CultureInfo.InvariantCulture, $"resubmit(,{Table})")
        : string.Create(CultureInfo.InvariantCulture, $"resubmit({InPort},{Table})");
}
