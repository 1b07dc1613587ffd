using System.Buffers;
using System.Net;
using System.Runtime.InteropServices;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Decisions;

/// <summary>
/// Judges one VM's connection list against its tenant's whitelist: every inet socket of every process is allowed by
/// the first line that matches it or blocked; anything no line names is denied by default.
/// </summary>
public sealed class VerdictEngine
{
    private const string NoLine = "denied by default: no whitelist line matches";

    // A listener on '::' whose IPV6_V6ONLY is set or unknown is taken as IPv6-only (see GrantBuilder); say so when it
    // is blocked, since a tenant whose only lines are IPv4 would otherwise not know why.
    private const string NoLineForV6Wildcard =
        "denied by default: no whitelist line matches (a listener on :: counts as IPv6-only, since IPV6_V6ONLY cannot be seen, so IPv4 lines never open it)";

    private const string NoLineForV6OnlyWildcard =
        "denied by default: no whitelist line matches (the listener on :: is IPv6-only, IPV6_V6ONLY is set, so IPv4 lines do not open it)";

    private readonly CompiledWhitelist _whitelist;

    public VerdictEngine(CompiledWhitelist whitelist)
    {
        ArgumentNullException.ThrowIfNull(whitelist);
        _whitelist = whitelist;
    }

    /// <summary>Compiles <paramref name="whitelist"/> for <paramref name="vm"/>; keep the engine for every introspection of that VM.</summary>
    public VerdictEngine(TenantWhitelist whitelist, string vm)
        : this(CompiledWhitelist.Compile(whitelist, vm))
    {
    }

    public string Vm => _whitelist.Vm;

    public CompiledWhitelist Whitelist => _whitelist;

    /// <summary>Judges every socket of <paramref name="processes"/>, the connection list of <paramref name="vm"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="vm"/> is not the VM the whitelist was compiled for: one VM's lines must never judge another.</exception>
    public VerdictReport Decide(string vm, IReadOnlyList<GuestProcess> processes)
    {
        ArgumentNullException.ThrowIfNull(processes);
        if (!string.Equals(vm, Vm, StringComparison.Ordinal))
        {
            throw new ArgumentException($"this engine judges VM '{Vm}', not '{vm}'", nameof(vm));
        }

        var total = 0;
        var widest = 0;
        foreach (var process in processes)
        {
            total += process.Sockets.Count;
            widest = Math.Max(widest, process.Sockets.Count);
        }

        var verdicts = new List<Verdict>(total);
        List<DiscardedSocket>? discarded = null;
        var allowed = 0;
        var classes = ArrayPool<ClassifiedSocket>.Shared.Rent(widest);
        try
        {
            foreach (var process in processes)
            {
                var sockets = process.Sockets;
                if (sockets.Count == 0)
                {
                    continue;
                }

                ConnectionClassifier.Classify(process, classes);
                for (var i = 0; i < sockets.Count; i++)
                {
                    var classified = classes[i];
                    if (classified.Role == SocketRole.Implausible)
                    {
                        (discarded ??= []).Add(new DiscardedSocket(process, sockets[i], classified.Reason!));
                        continue;
                    }

                    var verdict = Judge(process, sockets[i], classified);
                    allowed += verdict.Kind == VerdictKind.Allow ? 1 : 0;
                    verdicts.Add(verdict);
                }
            }
        }
        finally
        {
            ArrayPool<ClassifiedSocket>.Shared.Return(classes, clearArray: true);
        }

        var denied = verdicts.Count - allowed + (discarded?.Count ?? 0);
        if (allowed > 0 && denied > 0)
        {
            FailClosedOnSharedSockets(verdicts, discarded, denied);
        }

        return new VerdictReport(vm, verdicts, discarded is null ? [] : discarded);
    }

    private Verdict Judge(GuestProcess process, GuestSocket socket, in ClassifiedSocket classified)
    {
        if (classified.Direction is not { } direction)
        {
            return new Verdict(process, socket, null, VerdictKind.Block, null, classified.Reason!);
        }

        var query = SocketQuery.For(process, socket, classified, direction);
        var first = _whitelist.FindFirst(process, query);
        if (first < 0)
        {
            var reason = classified.Role != SocketRole.Server || !classified.Local.Equals(IPAddress.IPv6Any) ? NoLine
                : socket.V6Only switch
                {
                    true => NoLineForV6OnlyWildcard,
                    false => NoLine,
                    null => NoLineForV6Wildcard,
                };
            return new Verdict(process, socket, direction, VerdictKind.Block, null, reason);
        }

        return new Verdict(process, socket, direction, VerdictKind.Allow, _whitelist.EntryAt(first), _whitelist.LocationOf(first))
        {
            GrantingEntries = query.Serves ? _whitelist.FindAll(process, query, first) : _whitelist.Alone(first),
        };
    }

    /// <summary>
    /// A socket shared by several processes (a forked worker, a passed descriptor) carries the traffic of all of
    /// them, and the firewall cannot tell whose packet is whose: it is allowed only when every holder is. An allowed
    /// holder of an inode also held by a blocked, idle or discarded socket is blocked too.
    /// </summary>
    private static void FailClosedOnSharedSockets(List<Verdict> verdicts, List<DiscardedSocket>? discarded, int denied)
    {
        var byInode = new Dictionary<ulong, DeniedHolders>(denied);
        foreach (var verdict in verdicts)
        {
            if (verdict.Kind != VerdictKind.Allow)
            {
                Note(byInode, verdict.Socket.Inode, verdict.Process);
            }
        }

        if (discarded is not null)
        {
            foreach (var socket in discarded)
            {
                Note(byInode, socket.Socket.Inode, socket.Process);
            }
        }

        for (var i = 0; i < verdicts.Count; i++)
        {
            var verdict = verdicts[i];
            if (verdict.Kind == VerdictKind.Allow && byInode.TryGetValue(verdict.Socket.Inode, out var holders))
            {
                var other = holders.Blame(verdict.Process);
                verdicts[i] = verdict with
                {
                    Kind = VerdictKind.Block,
                    Entry = null,
                    Reason = $"socket inode {verdict.Socket.Inode} is also held by pid {other.Pid} ({other.Comm}), which is not allowed",
                    GrantingEntries = [],
                };
            }
        }
    }

    private static void Note(Dictionary<ulong, DeniedHolders> byInode, ulong inode, GuestProcess holder)
    {
        ref var holders = ref CollectionsMarshal.GetValueRefOrAddDefault(byInode, inode, out var exists);
        holders = exists ? holders.With(holder) : new DeniedHolders(holder, null);
    }
}
