using AlSafe.Core.Decisions;
using AlSafe.Core.Rules;

namespace AlSafe.Tests.Adaptation;

/// <summary>One call of the engine on an enforcement point.</summary>
/// <param name="Port">The VM's port the call is about; null for <see cref="PointCallKind.Start"/>.</param>
/// <param name="Grants">What was staged or enforced; null for Start and Withdraw.</param>
internal sealed record PointCall(string Point, PointCallKind Kind, VmPort? Port, GrantSet? Grants)
{
    public string? Vm => Port?.Name;
}
