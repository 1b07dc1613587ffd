using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>
/// The lines for one process in one protocol and direction, split by local port: a whitelist listing thousands of
/// ports for one program is then still one lookup per socket.
/// </summary>
internal sealed class CandidateList
{
    private Dictionary<ushort, LineGroup>? _byPort;

    /// <summary>The lines whose local port column is a range (or <c>*</c>).</summary>
    public LineGroup Ranges { get; } = new();

    /// <summary>Adds line <paramref name="index"/> of <paramref name="entries"/>; lines come in file order.</summary>
    public void Add(int index, WhitelistEntry[] entries)
    {
        var localPort = entries[index].LocalPort;
        if (!localPort.IsSingle)
        {
            Ranges.Add(index, entries);
            return;
        }

        _byPort ??= [];
        if (!_byPort.TryGetValue(localPort.First, out var lines))
        {
            lines = new LineGroup();
            _byPort.Add(localPort.First, lines);
        }

        lines.Add(index, entries);
    }

    /// <summary>The lines whose local port column is exactly <paramref name="port"/>, or null.</summary>
    public LineGroup? ForPort(ushort port) =>
        _byPort is not null && _byPort.TryGetValue(port, out var lines) ? lines : null;
}
