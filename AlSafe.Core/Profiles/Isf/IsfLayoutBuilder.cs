namespace AlSafe.Core.Profiles.Isf;

/// <summary>
/// Builds the layout of one struct from an ISF: its size and the byte offsets of the members a profile asks for.
/// Members of anonymous unions and structs, which dwarf2json lists as <c>unnamed_field_N</c> of an
/// <c>unnamed_...</c> type, are looked up through those types with their offsets added, as C code names them.
/// </summary>
internal static class IsfLayoutBuilder
{
    /// <summary>The deepest nesting of anonymous members accepted. Linux 6.1 nests four deep; a bound keeps a
    /// hostile or broken file from recursing without end.</summary>
    public const int MaxAnonymousDepth = 16;

    public static StructLayout Build(
        ReadOnlySpan<byte> json, IsfDocument document, string origin, string structName, IReadOnlySet<string> wanted)
    {
        var root = IsfUserTypeReader.Read(json, document, structName, origin);
        var fields = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var chain = new List<string> { structName };
        Collect(json, document, origin, root, 0, chain, wanted, fields);
        foreach (var (field, offset) in fields)
        {
            if (offset >= root.Size)
            {
                throw new FormatException(
                    $"{origin}: {structName}.{field} lies at offset {offset}, outside the struct's {root.Size} bytes");
            }
        }

        return new StructLayout(root.Size, fields);
    }

    private static void Collect(
        ReadOnlySpan<byte> json,
        IsfDocument document,
        string origin,
        IsfUserType type,
        ulong baseOffset,
        List<string> chain,
        IReadOnlySet<string> wanted,
        Dictionary<string, ulong> fields)
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
                Collect(json, document, origin, IsfUserTypeReader.Read(json, document, inner, origin), offset, chain, wanted, fields);
                chain.RemoveAt(chain.Count - 1);
            }
            else if (wanted.Contains(member.Name))
            {
                if (member.TypeKind == "bitfield")
                {
                    throw new FormatException($"{origin}: {chain[0]}.{member.Name} is a bitfield, which a byte offset cannot locate");
                }

                // C forbids a member name that repeats inside the anonymous members of one struct.
                if (!fields.TryAdd(member.Name, offset))
                {
                    throw new FormatException($"{origin}: {chain[0]}.{member.Name} is declared twice");
                }
            }
        }
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
}
