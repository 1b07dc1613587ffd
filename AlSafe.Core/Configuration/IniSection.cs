namespace AlSafe.Core.Configuration;

/// <summary>One <c>[name]</c> section and its entries in file order; a key appears at most once.</summary>
public sealed class IniSection
{
    private readonly List<IniEntry> _entries = [];
    private readonly Dictionary<string, IniEntry> _byKey = new(StringComparer.Ordinal);

    public IniSection(string name, int line)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Line = line;
    }

    public string Name { get; }

    /// <summary>The line of the section's header.</summary>
    public int Line { get; }

    public IReadOnlyList<IniEntry> Entries => _entries;

    public IniEntry? Find(string key) => _byKey.GetValueOrDefault(key);

    /// <summary>Adds an entry; false, with the entry already there, when the key is taken.</summary>
    internal bool TryAdd(IniEntry entry, out IniEntry existing)
    {
        if (_byKey.TryGetValue(entry.Key, out var taken))
        {
            existing = taken;
            return false;
        }

        _byKey.Add(entry.Key, entry);
        _entries.Add(entry);
        existing = entry;
        return true;
    }
}
