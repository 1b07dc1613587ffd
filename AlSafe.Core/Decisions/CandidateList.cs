using System.Runtime.InteropServices;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>
/// The indexes (file order, ascending) of the lines for one process in one protocol and direction, split by local
/// port: a whitelist listing thousands of ports for one program is then still one lookup per socket.
/// </summary>
internal sealed class CandidateList
{
    private readonly List<int> _ranges = [];
    private Dictionary<ushort, List<int>>? _byPort;

    public ReadOnlySpan<int> Ranges => CollectionsMarshal.AsSpan(_ranges);

    public void Add(int index, PortRange localPort)
    {
        if (!localPort.IsSingle)
        {
            _ranges.Add(index);
            return;
        }

        _byPort ??= [];
        if (!_byPort.TryGetValue(localPort.First, out var lines))
        {
            lines = [];
            _byPort.Add(localPort.First, lines);
        }

        lines.Add(index);
    }

    /// <summary>The lines whose local port column is exactly <paramref name="port"/>.</summary>
    public ReadOnlySpan<int> ForPort(ushort port) =>
        _byPort is not null && _byPort.TryGetValue(port, out var lines) ? CollectionsMarshal.AsSpan(lines) : default;
}
