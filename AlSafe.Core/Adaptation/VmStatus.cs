using AlSafe.Core.Decisions;

namespace AlSafe.Core.Adaptation;

/// <summary>One VM as the engine holds it at one moment, for the control API and the status line.</summary>
/// <param name="Tenant">From the descriptor; null when there is none.</param>
/// <param name="OfPort">The switch port; null when the VM has none on this node.</param>
/// <param name="LastIntrospection">When the guest was last read successfully.</param>
/// <param name="Report">The verdicts of the last good cycle; null before the first.</param>
/// <param name="Enforced">The grants both firewalls last accepted; null when none (or a firewall refused them).</param>
public sealed record VmStatus(
    string Name,
    string? Tenant,
    uint? OfPort,
    TimeSpan Period,
    VmState State,
    DateTimeOffset? LastIntrospection,
    int Failures,
    string? LastError,
    VerdictReport? Report,
    GrantSet? Enforced)
{
    public int Allowed => Report?.Verdicts.Count(verdict => verdict.Kind == VerdictKind.Allow) ?? 0;

    public int Blocked => Report?.Verdicts.Count(verdict => verdict.Kind == VerdictKind.Block) ?? 0;
}
