using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Adaptation;

/// <summary>
/// What changed between two cycles' verdicts of one VM, so the journal gets a line when a connection appears, changes
/// verdict or goes, not one per socket per period. A socket is the same when its process, inode and endpoints are: a
/// connection going from SYN-SENT to ESTABLISHED is one socket.
/// </summary>
public sealed record VerdictDelta(IReadOnlyList<Verdict> Appeared, IReadOnlyList<Verdict> Gone, IReadOnlyList<DiscardedSocket> NewlyDiscarded)
{
    public bool IsEmpty => Appeared.Count == 0 && Gone.Count == 0 && NewlyDiscarded.Count == 0;

    public static VerdictDelta Between(VerdictReport? previous, VerdictReport current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var before = new Dictionary<SocketKey, VerdictKind>();
        foreach (var verdict in previous?.Verdicts ?? [])
        {
            before.TryAdd(SocketKey.Of(verdict.Process, verdict.Socket), verdict.Kind);
        }

        var appeared = new List<Verdict>();
        var seen = new HashSet<SocketKey>();
        foreach (var verdict in current.Verdicts)
        {
            var key = SocketKey.Of(verdict.Process, verdict.Socket);
            seen.Add(key);
            if (!before.TryGetValue(key, out var kind) || kind != verdict.Kind)
            {
                appeared.Add(verdict);
            }
        }

        var gone = (previous?.Verdicts ?? []).Where(verdict => !seen.Contains(SocketKey.Of(verdict.Process, verdict.Socket))).ToList();
        var discardedBefore = (previous?.Discarded ?? []).Select(d => SocketKey.Of(d.Process, d.Socket)).ToHashSet();
        var discarded = current.Discarded.Where(d => !discardedBefore.Contains(SocketKey.Of(d.Process, d.Socket))).ToList();
        return new VerdictDelta(appeared, gone, discarded);
    }

    private readonly record struct SocketKey(
        int Tgid, ulong Inode, SocketProtocol Protocol, IPAddress Local, ushort LocalPort, IPAddress Remote, ushort RemotePort)
    {
        public static SocketKey Of(GuestProcess process, GuestSocket socket) =>
            new(process.Tgid, socket.Inode, socket.Protocol, socket.LocalAddress, socket.LocalPort, socket.RemoteAddress, socket.RemotePort);
    }
}
