using System.Collections.ObjectModel;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>
/// A tenant's whitelist narrowed to one VM and indexed for judging sockets: by protocol and direction, then by the
/// executable path or comm a line names, then by local port, and where one port has many lines, by remote prefix
/// (see <see cref="LineGroup"/>). Built once per whitelist and VM, it answers "the first line in file order that
/// matches" with a few dictionary lookups per socket, however long the whitelist is.
/// Immutable, so one instance can judge concurrent introspections.
/// </summary>
public sealed class CompiledWhitelist
{
    private const int Buckets = 4;

    private readonly WhitelistEntry[] _entries;
    private readonly string[] _locations;
    private readonly WhitelistEntry[][] _alone;
    private readonly EntryBucket?[] _buckets;

    private CompiledWhitelist(string tenant, string vm, WhitelistEntry[] entries)
    {
        Tenant = tenant;
        Vm = vm;
        _entries = entries;
        Entries = new ReadOnlyCollection<WhitelistEntry>(entries);

        // Every Allow names its line and lists the lines it opens; making both here keeps judging allocation-free.
        _locations = new string[entries.Length];
        _alone = new WhitelistEntry[entries.Length][];
        _buckets = new EntryBucket?[Buckets];
        for (var i = 0; i < entries.Length; i++)
        {
            _locations[i] = entries[i].Location;
            _alone[i] = [entries[i]];
            var bucket = BucketOf(entries[i].Protocol, entries[i].Direction);

            // The parser admits only tcp/udp and in/out; a line of anything else could match no socket anyway.
            if (bucket >= 0)
            {
                (_buckets[bucket] ??= new EntryBucket()).Add(i, entries);
            }
        }
    }

    public string Tenant { get; }

    /// <summary>The VM this index judges: only lines for it or for every VM (<c>*</c>) are kept.</summary>
    public string Vm { get; }

    /// <summary>The lines that apply to <see cref="Vm"/>, in file order.</summary>
    public IReadOnlyList<WhitelistEntry> Entries { get; }

    public static CompiledWhitelist Compile(TenantWhitelist whitelist, string vm)
    {
        ArgumentNullException.ThrowIfNull(whitelist);
        ArgumentException.ThrowIfNullOrEmpty(vm);
        var kept = new List<WhitelistEntry>(whitelist.Entries.Count);
        foreach (var entry in whitelist.Entries)
        {
            if (entry.Vm is null || string.Equals(entry.Vm, vm, StringComparison.Ordinal))
            {
                kept.Add(entry);
            }
        }

        return new CompiledWhitelist(whitelist.Tenant, vm, [.. kept]);
    }

    internal WhitelistEntry EntryAt(int index) => _entries[index];

    internal string LocationOf(int index) => _locations[index];

    /// <summary>The first line in file order matching the socket, or -1.</summary>
    internal int FindFirst(GuestProcess process, in SocketQuery query)
    {
        if (BucketFor(query) is not { } bucket)
        {
            return -1;
        }

        // A line is in exactly one of the four groups (path or comm, one port or a range); each group is in file
        // order, so the earliest match overall is the smallest of each group's first match.
        UInt128? remote = null;
        var best = int.MaxValue;
        if (bucket.ForPath(process.ExePath) is { } byPath)
        {
            byPath.ForPort(query.LocalPort)?.ScanFirst(_entries, query, ref remote, ref best);
            byPath.Ranges.ScanFirst(_entries, query, ref remote, ref best);
        }

        if (bucket.ForComm(process.Comm) is { } byComm)
        {
            byComm.ForPort(query.LocalPort)?.ScanFirst(_entries, query, ref remote, ref best);
            byComm.Ranges.ScanFirst(_entries, query, ref remote, ref best);
        }

        return best == int.MaxValue ? -1 : best;
    }

    /// <summary>
    /// Every line in file order that matches a serving socket whose first match is <paramref name="first"/>: each
    /// one's remote columns become part of what the socket is granted.
    /// </summary>
    internal IReadOnlyList<WhitelistEntry> FindAll(GuestProcess process, in SocketQuery query, int first)
    {
        var bucket = BucketFor(query)!;
        UInt128? remote = null;
        var found = new List<int>();
        if (bucket.ForPath(process.ExePath) is { } byPath)
        {
            byPath.ForPort(query.LocalPort)?.ScanAll(_entries, query, first, ref remote, found);
            byPath.Ranges.ScanAll(_entries, query, first, ref remote, found);
        }

        if (bucket.ForComm(process.Comm) is { } byComm)
        {
            byComm.ForPort(query.LocalPort)?.ScanAll(_entries, query, first, ref remote, found);
            byComm.Ranges.ScanAll(_entries, query, first, ref remote, found);
        }

        if (found.Count == 1)
        {
            return _alone[first];
        }

        found.Sort();
        var entries = new WhitelistEntry[found.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = _entries[found[i]];
        }

        return entries;
    }

    /// <summary>The one-line list of an Allow that opens only its own line.</summary>
    internal IReadOnlyList<WhitelistEntry> Alone(int index) => _alone[index];

    private EntryBucket? BucketFor(in SocketQuery query)
    {
        var bucket = BucketOf(query.Protocol, query.Direction);
        return bucket < 0 ? null : _buckets[bucket];
    }

    private static int BucketOf(SocketProtocol protocol, TrafficDirection direction)
    {
        var p = protocol switch
        {
            SocketProtocol.Tcp => 0,
            SocketProtocol.Udp => 1,
            _ => -1,
        };
        var d = direction switch
        {
            TrafficDirection.In => 0,
            TrafficDirection.Out => 1,
            _ => -1,
        };
        return p < 0 || d < 0 ? -1 : (p * 2) + d;
    }
}
