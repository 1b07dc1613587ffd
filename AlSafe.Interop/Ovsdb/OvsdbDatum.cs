namespace AlSafe.Interop.Ovsdb;

/// <summary>
/// A column's value: a set of atoms (a scalar column is a set of one; an optional one a set of zero or one) or a
/// map of atom pairs.
/// </summary>
public sealed class OvsdbDatum
{
    private OvsdbDatum(IReadOnlyList<OvsdbAtom> elements, IReadOnlyList<KeyValuePair<OvsdbAtom, OvsdbAtom>>? pairs)
    {
        Elements = elements;
        Pairs = pairs ?? [];
        IsMap = pairs is not null;
    }

    /// <summary>The set's atoms in the order the server sent them; empty for a map.</summary>
    public IReadOnlyList<OvsdbAtom> Elements { get; }

    /// <summary>The map's pairs in the order the server sent them; empty for a set.</summary>
    public IReadOnlyList<KeyValuePair<OvsdbAtom, OvsdbAtom>> Pairs { get; }

    public bool IsMap { get; }

    public static OvsdbDatum Set(params IReadOnlyList<OvsdbAtom> elements) => new([.. elements], null);

    public static OvsdbDatum Map(IReadOnlyList<KeyValuePair<OvsdbAtom, OvsdbAtom>> pairs) => new([], [.. pairs]);

    /// <summary>The single string of a scalar string column.</summary>
    /// <exception cref="OvsdbException">The datum is not exactly one string.</exception>
    public string GetString() => Single().AsString();

    /// <summary>The integer of an optional integer column (min 0, max 1), or null when it is empty.</summary>
    public long? GetOptionalInteger() => Optional()?.AsInteger();

    /// <summary>The string of an optional string column, or null when it is empty.</summary>
    public string? GetOptionalString() => Optional()?.AsString();

    /// <summary>The UUIDs of a set-of-references column.</summary>
    public IReadOnlyList<Guid> GetUuids() => IsMap ? throw Mismatch("a set of UUIDs") : [.. Elements.Select(e => e.AsUuid())];

    /// <summary>A string-to-string map column, such as external_ids.</summary>
    /// <exception cref="OvsdbException">The datum is not a map of strings, or repeats a key.</exception>
    public IReadOnlyDictionary<string, string> GetStringMap()
    {
        if (!IsMap)
        {
            throw Mismatch("a map of strings");
        }

        var map = new Dictionary<string, string>(Pairs.Count, StringComparer.Ordinal);
        foreach (var (key, value) in Pairs)
        {
            if (!map.TryAdd(key.AsString(), value.AsString()))
            {
                throw new OvsdbException($"an OVSDB map repeats the key '{key}'");
            }
        }

        return map;
    }

    public override string ToString() => IsMap
        ? $"{{{string.Join(", ", Pairs.Select(p => $"{p.Key}={p.Value}"))}}}"
        : Elements.Count == 1 ? Elements[0].ToString() : $"[{string.Join(", ", Elements)}]";

    private OvsdbAtom Single() => !IsMap && Elements.Count == 1 ? Elements[0] : throw Mismatch("exactly one atom");

    private OvsdbAtom? Optional() => !IsMap && Elements.Count <= 1
        ? Elements.Count == 1 ? Elements[0] : null
        : throw Mismatch("zero or one atom");

    private OvsdbException Mismatch(string wanted) => new($"expected {wanted} in an OVSDB column, found {this}");
}
