using AlSafe.Core.Introspection.Model;

namespace AlSafe.Daemon.Cli;

/// <summary>Prints a snapshot the way <c>ss -tunap</c> prints a host's sockets, plus the owner's executable and uid.</summary>
public static class SnapshotTable
{
    public static void Write(TextWriter o, IntrospectionSnapshot snapshot)
    {
        var k = snapshot.Kernel;
        o.WriteLine(
            $"# kernel {k.Release} (build id {(k.BuildId.Length > 0 ? k.BuildId : "unknown")}, profile from {k.ProfileSource}), " +
            $"{k.PagingLevels}-level paging, image at phys 0x{k.PhysicalBase:x}, KASLR slide 0x{k.VirtualSlide:x}, " +
            $"direct map at 0x{k.PageOffsetBase:x}");
        o.WriteLine(
            $"# {snapshot.Processes.Count} processes, walk {snapshot.Timings.Walk.TotalMilliseconds:0.000} ms over " +
            $"{snapshot.Timings.PagesTouched} pages, " +
            (snapshot.Paused ? $"guest paused {snapshot.Timings.Pause.TotalMilliseconds:0.000} ms" : "read live"));

        var rows = new List<string[]> { new[] { "Netid", "State", "Local Address:Port", "Peer Address:Port", "Process" } };
        foreach (var p in snapshot.Processes)
        {
            foreach (var s in p.Sockets)
            {
                rows.Add([
                    s.Protocol.Name(),
                    State(s),
                    EndpointText.Format(s.LocalAddress, s.LocalPort),
                    EndpointText.Format(s.RemoteAddress, s.RemotePort),
                    $"users:((\"{p.Comm}\",pid={p.Pid},fd={s.Fd})) uid={p.Uid} exe={p.ExePath ?? "-"} ino={s.Inode}",
                ]);
            }
        }

        var widths = Enumerable.Range(0, 4).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var r in rows)
        {
            o.WriteLine($"{r[0].PadRight(widths[0])} {r[1].PadRight(widths[1])} {r[2].PadLeft(widths[2])} {r[3].PadRight(widths[3])} {r[4]}");
        }
    }

    private static string State(GuestSocket s) => s.State switch
    {
        SocketState.Established => "ESTAB",
        SocketState.Close when s.Protocol == SocketProtocol.Udp => "UNCONN",
        _ => SocketStateNames.Name(s.State).Replace('_', '-'),
    };
}
