using AlSafe.Core.Decisions;

namespace AlSafe.Tests.Rules;

/// <summary>The grants of one VM before and after a change (grants added and removed, sometimes the VM renamed).</summary>
public sealed record GrantSetChange(GrantSet Old, GrantSet New);
