using System.Net.Sockets;
using System.Runtime.InteropServices;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>
/// The indexes (file order, ascending) of the lines of one process, protocol and direction that share a local port
/// column (one port, or the ranges). A group of many lines is also indexed by remote: a connected socket then meets
/// only the lines with <c>*</c> or a prefix holding its remote address, one lookup per prefix length in use, and a
/// serving socket only the lines it can match, <c>*</c> or its own family. A service opened to hundreds of partner
/// networks so costs a few lookups per connection instead of a comparison with every line.
/// </summary>
internal sealed class LineGroup
{
    // Below a handful of lines, one pass over them costs no more than the lookups that would avoid it.
    private const int IndexedFrom = 8;

    private readonly List<int> _lines = [];
    private RemoteIndex? _index;

    /// <summary>Adds line <paramref name="index"/> of <paramref name="entries"/>; lines come in file order.</summary>
    public void Add(int index, WhitelistEntry[] entries)
    {
        _lines.Add(index);
        if (_index is not null)
        {
            _index.Add(index, entries[index].Remote);
        }
        else if (_lines.Count == IndexedFrom)
        {
            _index = new RemoteIndex();
            foreach (var line in _lines)
            {
                _index.Add(line, entries[line].Remote);
            }
        }
    }

    /// <summary>Lowers <paramref name="best"/> to the first line of the group that matches, if it comes before it.</summary>
    /// <param name="remote">The socket's remote address as <see cref="AddressPrefix.BitsOf"/> gives it: made when a line first needs it, then kept for the socket's other groups.</param>
    public void ScanFirst(WhitelistEntry[] entries, in SocketQuery query, ref UInt128? remote, ref int best)
    {
        if (_index is not { } index)
        {
            ScanFirst(CollectionsMarshal.AsSpan(_lines), entries, query, ref remote, ref best);
        }
        else if (query.Serves)
        {
            ScanFirst(Serving(index, query), entries, query, ref remote, ref best);
        }
        else
        {
            ScanFirst(index.AnyRemote, entries, query, ref remote, ref best);
            var bits = remote ??= AddressPrefix.BitsOf(query.Remote);
            foreach (var level in index.Levels(query.Family))
            {
                if (level.Holding(bits) is { } lines)
                {
                    ScanFirst(CollectionsMarshal.AsSpan(lines), entries, query, ref remote, ref best);
                }
            }
        }
    }

    /// <summary>Adds every line of the group from <paramref name="first"/> on that matches the socket.</summary>
    public void ScanAll(WhitelistEntry[] entries, in SocketQuery query, int first, ref UInt128? remote, List<int> found)
    {
        // The lines of the socket's family and '*' hold every line that can match it, served or connected; a
        // dual-stack socket can match lines of both families.
        var lines = _index is { } index ? Serving(index, query) : CollectionsMarshal.AsSpan(_lines);
        foreach (var line in lines)
        {
            if (line >= first && Matches(entries[line], query, ref remote))
            {
                found.Add(line);
            }
        }
    }

    private ReadOnlySpan<int> Serving(RemoteIndex index, in SocketQuery query) =>
        query.DualStack ? CollectionsMarshal.AsSpan(_lines) : index.Serving(query.Family);

    private static void ScanFirst(ReadOnlySpan<int> lines, WhitelistEntry[] entries, in SocketQuery query, ref UInt128? remote, ref int best)
    {
        foreach (var line in lines)
        {
            if (line >= best)
            {
                return;
            }

            if (Matches(entries[line], query, ref remote))
            {
                best = line;
                return;
            }
        }
    }

    private static bool Matches(WhitelistEntry entry, in SocketQuery query, ref UInt128? remote)
    {
        if (entry.Uid is { } uid && uid != query.Uid)
        {
            return false;
        }

        if (!entry.LocalPort.Contains(query.LocalPort))
        {
            return false;
        }

        // A serving socket has no remote yet: any line may open it, but a remote of the other family could open
        // nothing toward it, and an Allow that opens nothing would tell the tenant a lie. A dual-stack socket is
        // reached from both families.
        if (query.Serves)
        {
            return query.DualStack || entry.Remote.IsAny || entry.Remote.Family == query.Family;
        }

        // Lines of '*' need no address, and many sockets meet no other: the address is encoded at the first that does.
        return entry.RemotePort.Contains(query.RemotePort)
            && (entry.Remote.IsAny || entry.Remote.Contains(remote ??= AddressPrefix.BitsOf(query.Remote), query.Family));
    }

    /// <summary>The lines of a group by remote column, each list in file order.</summary>
    private sealed class RemoteIndex
    {
        private readonly List<int> _anyRemote = [];
        private readonly List<int> _servingV4 = [];
        private readonly List<int> _servingV6 = [];
        private readonly List<PrefixLevel> _levelsV4 = [];
        private readonly List<PrefixLevel> _levelsV6 = [];

        public ReadOnlySpan<int> AnyRemote => CollectionsMarshal.AsSpan(_anyRemote);

        public void Add(int line, AddressPrefix remote)
        {
            if (remote.IsAny)
            {
                _anyRemote.Add(line);
                _servingV4.Add(line);
                _servingV6.Add(line);
                return;
            }

            var v4 = remote.Family == AddressFamily.InterNetwork;
            (v4 ? _servingV4 : _servingV6).Add(line);
            var levels = v4 ? _levelsV4 : _levelsV6;
            var level = levels.Find(candidate => candidate.Length == remote.Length);
            if (level is null)
            {
                level = new PrefixLevel(remote.Width, remote.Length);
                levels.Add(level);
            }

            level.Add(line, remote.Bits);
        }

        /// <summary>The lines a serving socket of <paramref name="family"/> can match: <c>*</c> and that family's.</summary>
        public ReadOnlySpan<int> Serving(AddressFamily family) =>
            CollectionsMarshal.AsSpan(family == AddressFamily.InterNetwork ? _servingV4 : _servingV6);

        /// <summary>The prefix lengths the lines of <paramref name="family"/> use, each with its networks.</summary>
        public List<PrefixLevel> Levels(AddressFamily family) => family == AddressFamily.InterNetwork ? _levelsV4 : _levelsV6;
    }

    /// <summary>The lines whose remote is a prefix of one family and length, by network.</summary>
    private sealed class PrefixLevel(int width, int length)
    {
        private readonly Dictionary<UInt128, List<int>> _byNetwork = [];

        public int Length => length;

        public void Add(int line, UInt128 network)
        {
            if (!_byNetwork.TryGetValue(network, out var lines))
            {
                lines = [];
                _byNetwork.Add(network, lines);
            }

            lines.Add(line);
        }

        /// <summary>The lines whose prefix holds the address <paramref name="bits"/>, or null.</summary>
        public List<int>? Holding(UInt128 bits)
        {
            // A prefix holds an address when the address with its host bits cleared is the prefix's network.
            var network = length == 0 ? UInt128.Zero : (bits >> (width - length)) << (width - length);
            return _byNetwork.TryGetValue(network, out var lines) ? lines : null;
        }
    }
}
