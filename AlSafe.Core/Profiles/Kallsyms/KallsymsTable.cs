namespace AlSafe.Core.Profiles.Kallsyms;

/// <summary>The symbols recovered from a kernel image's kallsyms tables, in the kernel's order (by address), with
/// link-time addresses.</summary>
public sealed class KallsymsTable
{
    private readonly string[] _names;
    private readonly char[] _types;
    private readonly ulong[] _addresses;
    private Dictionary<string, ulong>? _byName;

    internal KallsymsTable(string[] names, char[] types, ulong[] addresses)
    {
        _names = names;
        _types = types;
        _addresses = addresses;
    }

    public int Count => _names.Length;

    public string Name(int index) => _names[index];

    /// <summary>The nm-style type letter, e.g. <c>T</c> for global text or <c>d</c> for local data.</summary>
    public char Type(int index) => _types[index];

    public ulong Address(int index) => _addresses[index];

    /// <summary>Looks a symbol up by name; when a name occurs more than once (static symbols of different files) the
    /// lowest address wins, as it does in the kernel's own kallsyms_lookup_name.</summary>
    public bool TryGetAddress(string name, out ulong address)
    {
        if (_byName is null)
        {
            var byName = new Dictionary<string, ulong>(_names.Length, StringComparer.Ordinal);
            for (var i = 0; i < _names.Length; i++)
            {
                byName.TryAdd(_names[i], _addresses[i]);
            }

            _byName = byName;
        }

        return _byName.TryGetValue(name, out address);
    }
}
