using AlSafe.Core.Rules;

namespace AlSafe.Core.Decisions;

/// <summary>
/// What one VM's allowed sockets open, in a fixed order and without duplicates: the single input of both rule
/// generators, so the switch and the edge can never disagree about what is allowed.
/// </summary>
public sealed record GrantSet(VmPort Vm, IReadOnlyList<InboundGrant> Inbound, IReadOnlyList<OutboundGrant> Outbound);
