namespace AlSafe.Core.Profiles.Isf;

/// <summary>One entry of an ISF's <c>symbols</c>: its link-time address and, for constants dwarf2json could read
/// from the image, their bytes.</summary>
internal readonly record struct IsfSymbol(ulong Address, byte[]? ConstantData);
