namespace AlSafe.Core.Profiles.Isf;

/// <summary>The outer part of a member's <c>type</c>: its kind and name, and for a bitfield its bits.</summary>
internal readonly record struct IsfTypeReference(string? Kind, string? Name, ulong? BitPosition, ulong? BitLength);
