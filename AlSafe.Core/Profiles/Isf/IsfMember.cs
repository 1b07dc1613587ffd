namespace AlSafe.Core.Profiles.Isf;

/// <summary>One entry of a user type's <c>fields</c>. Only the outer kind and name of the member's type are kept:
/// they are what tells an anonymous union or struct (to flatten) and a bitfield from the rest. A bitfield's
/// <paramref name="BitPosition"/> counts from the lowest bit of its storage unit at <paramref name="Offset"/>; both
/// bit values are null for any other member.</summary>
internal readonly record struct IsfMember(
    string Name, ulong Offset, string? TypeKind, string? TypeName, bool Anonymous, ulong? BitPosition, ulong? BitLength);
