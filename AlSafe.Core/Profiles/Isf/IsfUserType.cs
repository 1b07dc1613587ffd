namespace AlSafe.Core.Profiles.Isf;

/// <summary>A user type of an ISF, parsed only as far as layout needs: its size and its direct members.</summary>
internal sealed record IsfUserType(ulong Size, IReadOnlyList<IsfMember> Members);
