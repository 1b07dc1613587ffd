using System.Net;
using AlSafe.Core.Decisions;

namespace AlSafe.Core.Adaptation.Handoff;

/// <summary>
/// What a VM's source node hands to its destination when the VM live-migrates (the paper's migration of the VM's
/// security state): the descriptor facts its policy rests on, its last valid connection list with the verdicts, and the
/// grants those verdicts opened, so the destination enforces them from the moment the VM's port appears instead of
/// denying everything until its first introspection. The switch port (ofport, MAC) is the destination's own.
/// </summary>
/// <param name="Period">The VM's introspection period on the source; the destination's first introspection runs one
/// period after it installs the grants, and the period stays the VM's.</param>
/// <param name="ExportedAt">When the source stopped introspecting the VM; an import much later is refused (replay).</param>
/// <param name="LastIntrospection">When the source last read the guest successfully: the age of the verdicts.</param>
public sealed record VmHandoff(
    string Vm,
    string Tenant,
    IReadOnlyList<IPAddress> Addresses,
    TimeSpan Period,
    string SourceNode,
    DateTimeOffset ExportedAt,
    DateTimeOffset LastIntrospection,
    IReadOnlyList<HandoffConnection> Connections,
    IReadOnlyList<InboundGrant> Inbound,
    IReadOnlyList<OutboundGrant> Outbound);
