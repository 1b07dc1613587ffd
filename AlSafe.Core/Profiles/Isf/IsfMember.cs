namespace AlSafe.Core.Profiles.Isf;

/// <summary>One entry of a user type's <c>fields</c>. Only the outer kind and name of the member's type are kept:
/// they are what tells an anonymous union or struct (to flatten) and a bitfield (which a byte offset cannot
/// locate) from the rest.</summary>
internal readonly record struct IsfMember(string Name, ulong Offset, string? TypeKind, string? TypeName, bool Anonymous);
