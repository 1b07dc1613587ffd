using System.Collections.ObjectModel;

namespace AlSafe.Core.Profiles;

/// <summary>The size of a kernel struct and the byte offsets of the members introspection reads. Members of
/// anonymous unions and structs are flattened into their enclosing struct, as C code names them.</summary>
public sealed record StructLayout(ulong Size, IReadOnlyDictionary<string, ulong> Fields)
{
    /// <summary>The bitfield members introspection reads, by name, with the bits that are theirs.</summary>
    public IReadOnlyDictionary<string, BitField> BitFields { get; init; } = ReadOnlyDictionary<string, BitField>.Empty;
}
