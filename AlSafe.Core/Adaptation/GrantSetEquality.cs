using AlSafe.Core.Decisions;
using AlSafe.Core.Rules;

namespace AlSafe.Core.Adaptation;

/// <summary>Whether two grant sets would make the same rules: then a cycle pushes nothing. <see cref="GrantBuilder"/>
/// emits grants in canonical order, so sequence equality is set equality.</summary>
public static class GrantSetEquality
{
    public static bool Equal(GrantSet? x, GrantSet? y) =>
        ReferenceEquals(x, y)
        || (x is not null && y is not null && SamePort(x.Vm, y.Vm)
            && x.Inbound.SequenceEqual(y.Inbound) && x.Outbound.SequenceEqual(y.Outbound));

    private static bool SamePort(VmPort x, VmPort y) =>
        x.Name == y.Name && x.OfPort == y.OfPort && x.Mac == y.Mac && x.Zone == y.Zone && x.Cookie == y.Cookie
        && x.Addresses.SequenceEqual(y.Addresses);
}
