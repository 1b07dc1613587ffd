namespace AlSafe.Core.Profiles.Isf;

/// <summary>
/// Builds the layout of one struct from an ISF: its size, the byte offsets of the members a profile asks for and the
/// bits of the bitfields it asks for.
/// Members of anonymous unions and structs, which dwarf2json lists as <c>unnamed_field_N</c> of an
/// <c>unnamed_...</c> type, are looked up through those types with their offsets added, as C code names them.
/// </summary>
internal static class IsfLayoutBuilder
{
    /// <summary>The deepest nesting of anonymous members accepted. Linux 6.1 nests four deep; a bound keeps a
    /// hostile or broken file from recursing without end.</summary>
    public const int MaxAnonymousDepth = 16;

    public static StructLayout Build(
        ReadOnlySpan<byte> json,
        IsfDocument document,
        string origin,
        string structName,
        IReadOnlySet<string> wanted,
        IReadOnlySet<string> wantedBitFields)
    {
        var root = IsfUserTypeReader.Read(json, document, structName, origin);
        var found = new Found(wanted, wantedBitFields);
        var chain = new List<string> { structName };
        Collect(json, document, origin, root, 0, chain, found);
        foreach (var (field, offset) in found.Fields)
        {
            if (offset >= root.Size)
            {
                throw new FormatException(
                    $"{origin}: {structName}.{field} lies at offset {offset}, outside the struct's {root.Size} bytes");
            }
        }

        foreach (var (field, bits) in found.BitFields)
        {
            if (!bits.FitsIn(root.Size))
            {
                throw new FormatException(
                    $"{origin}: {structName}.{field} lies at bit {bits.BitOffset} ({bits.BitLength} bits), outside the struct's {root.Size} bytes");
            }
        }

        return new StructLayout(root.Size, found.Fields) { BitFields = found.BitFields };
    }

    private static void Collect(
        ReadOnlySpan<byte> json,
        IsfDocument document,
        string origin,
        IsfUserType type,
        ulong baseOffset,
        List<string> chain,
        Found found)
    {
        foreach (var member in type.Members)
        {
            if (member.Offset > ulong.MaxValue - baseOffset)
            {
                throw new FormatException($"{origin}: {Path(chain)}.{member.Name}: offset {member.Offset} overflows");
            }

            var offset = baseOffset + member.Offset;
            if (member.Anonymous)
            {
                var inner = AnonymousType(document, origin, chain, member);
                chain.Add(inner);
                Collect(json, document, origin, IsfUserTypeReader.Read(json, document, inner, origin), offset, chain, found);
                chain.RemoveAt(chain.Count - 1);
            }
            else if (found.Wanted.Contains(member.Name))
            {
                if (member.TypeKind == "bitfield")
                {
                    throw new FormatException($"{origin}: {chain[0]}.{member.Name} is a bitfield, which a byte offset cannot locate");
                }

                // C forbids a member name that repeats inside the anonymous members of one struct.
                if (!found.Fields.TryAdd(member.Name, offset))
                {
                    throw new FormatException($"{origin}: {chain[0]}.{member.Name} is declared twice");
                }
            }
            else if (found.WantedBitFields.Contains(member.Name)
                && !found.BitFields.TryAdd(member.Name, BitFieldOf(member, offset, origin, chain[0])))
            {
                throw new FormatException($"{origin}: {chain[0]}.{member.Name} is declared twice");
            }
        }
    }

    /// <summary>dwarf2json gives a bitfield as the offset of its storage unit and its bits within that unit, counted
    /// from the unit's lowest bit; on little-endian x86-64 the two add up to its bit offset in the struct.</summary>
    private static BitField BitFieldOf(IsfMember member, ulong offset, string origin, string structName)
    {
        var where = $"{origin}: {structName}.{member.Name}";
        if (member.TypeKind != "bitfield")
        {
            throw new FormatException($"{where} is a {member.TypeKind ?? "member of no kind"}, not a bitfield");
        }

        if (member.BitPosition is not { } position || member.BitLength is not { } length)
        {
            throw new FormatException($"{where} is a bitfield without bit_position and bit_length");
        }

        if (length is 0 or > BitField.MaxBitLength)
        {
            throw new FormatException($"{where} is {length} bits wide; a bitfield has 1 to {BitField.MaxBitLength}");
        }

        if (offset > (ulong.MaxValue - position) / 8)
        {
            throw new FormatException($"{where}: bit {position} at offset {offset} overflows");
        }

        return new BitField((offset * 8) + position, (int)length);
    }

    private static string AnonymousType(IsfDocument document, string origin, List<string> chain, IsfMember member)
    {
        var where = $"{Path(chain)}.{member.Name}";
        if (member.TypeKind is not ("struct" or "union") || member.TypeName is null)
        {
            throw new FormatException($"{origin}: {where} is anonymous but its type is not a named struct or union");
        }

        if (!document.UserTypes.ContainsKey(member.TypeName))
        {
            throw new FormatException($"{origin}: {where} refers to anonymous type {member.TypeName}, which user_types lacks");
        }

        if (chain.Contains(member.TypeName))
        {
            throw new FormatException(
                $"{origin}: anonymous types form a cycle: {string.Join(" -> ", chain)} -> {member.TypeName}");
        }

        if (chain.Count > MaxAnonymousDepth)
        {
            throw new FormatException(
                $"{origin}: {where}: anonymous members nest deeper than {MaxAnonymousDepth} levels");
        }

        return member.TypeName;
    }

    private static string Path(List<string> chain) => string.Join('.', chain);

    /// <summary>What the walk over a struct and its anonymous members looks for, and what it has found.</summary>
    private sealed class Found(IReadOnlySet<string> wanted, IReadOnlySet<string> wantedBitFields)
    {
        public IReadOnlySet<string> Wanted => wanted;

        public IReadOnlySet<string> WantedBitFields => wantedBitFields;

        public Dictionary<string, ulong> Fields { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, BitField> BitFields { get; } = new(StringComparer.Ordinal);
    }
}
