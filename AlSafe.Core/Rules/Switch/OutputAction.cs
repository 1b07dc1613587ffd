namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// Sends the packet to one port. Used towards a protected VM instead of NORMAL: a destination MAC the switch has not
/// learnt yet would otherwise be flooded to every port.
/// </summary>
public sealed record OutputAction(uint Port) : FlowAction;
