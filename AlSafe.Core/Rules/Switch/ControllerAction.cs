namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// Sends the packet's first <paramref name="MaxLength"/> bytes to the controller (a packet-in of reason "action",
/// carrying the flow's cookie and table). As the only action of a flow it also drops the packet: nothing is ever
/// forwarded because of it. With <paramref name="Meter"/>, the packets sent up pass that switch meter first, which
/// drops what exceeds its rate; the meter is looked up as each packet passes, so a plan never depends on it existing.
/// </summary>
public sealed record ControllerAction(ushort MaxLength, uint? Meter) : FlowAction;
