using System.Globalization;

namespace AlSafe.Interop.OpenFlow;

/// <summary>
/// Open vSwitch's controller action with properties (Nicira NXAST_CONTROLLER2): a packet-in of reason "action", cut to
/// <see cref="MaxLength"/>, that first passes meter <see cref="MeterId"/>. Only these two properties are modelled; one
/// read back with others (a controller id, a reason, userdata, pause) is kept as a <see cref="RawAction"/>.
/// </summary>
/// <remarks>
/// Unlike OpenFlow's meter instruction (1.3, 1.4) or meter action (1.5), which differ by version and are refused while
/// their meter does not exist, the meter here is only looked up as packets pass, and the action is the same in every
/// version. A controller output without a meter is the plain <see cref="OutputAction.ToController"/>.
/// </remarks>
public sealed record ControllerAction : OpenFlowAction
{
    /// <summary>How many bytes of the packet go up; <see cref="OutputAction.WholePacket"/> for all of it.</summary>
    public ushort MaxLength { get; init; } = OutputAction.WholePacket;

    /// <summary>The meter the packets pass before they go up; null for none.</summary>
    public uint? MeterId { get; init; }

    /// <summary>Open vSwitch's syntax: controller(max_len=128,meter_id=7).</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (MaxLength != OutputAction.WholePacket)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"max_len={MaxLength}"));
        }

        if (MeterId is { } meter)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"meter_id={meter}"));
        }

        return $"controller({string.Join(',', parts)})";
    }
}
