using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>The lines of one protocol and direction, keyed by the executable path or the comm they name.</summary>
internal sealed class EntryBucket
{
    private readonly Dictionary<string, CandidateList> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CandidateList> _byComm = new(StringComparer.Ordinal);

    /// <summary>Adds line <paramref name="index"/> of <paramref name="entries"/>; lines come in file order.</summary>
    public void Add(int index, WhitelistEntry[] entries)
    {
        var entry = entries[index];
        var byKey = entry.Process.IsPath ? _byPath : _byComm;
        if (!byKey.TryGetValue(entry.Process.Text, out var candidates))
        {
            candidates = new CandidateList();
            byKey.Add(entry.Process.Text, candidates);
        }

        candidates.Add(index, entries);
    }

    /// <summary>The lines naming this executable; none for a process without one, whose path nothing can match.</summary>
    public CandidateList? ForPath(string? exePath) =>
        exePath is not null && _byPath.TryGetValue(exePath, out var candidates) ? candidates : null;

    public CandidateList? ForComm(string comm) => _byComm.TryGetValue(comm, out var candidates) ? candidates : null;
}
