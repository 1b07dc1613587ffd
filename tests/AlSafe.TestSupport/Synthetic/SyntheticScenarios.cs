using System.Net;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>Guests shaped like the ones AL-SAFE meets, shared by the tests and the benchmarks.</summary>
public static class SyntheticScenarios
{
    private static readonly string[] KernelThreadNames =
    [
        "rcu_gp", "rcu_par_gp", "slub_flushwq", "netns", "kworker/0:0H", "mm_percpu_wq", "rcu_tasks_kthre",
        "ksoftirqd/0", "rcu_preempt", "migration/0", "cpuhp/0", "kdevtmpfs", "inet_frag_wq", "kauditd",
        "khungtaskd", "oom_reaper", "writeback", "kcompactd0", "ksmd", "khugepaged",
    ];

    /// <summary>A small lab guest: kthreadd and 39 more kernel threads, and 20 processes with a few sockets each,
    /// one of them running from a separate mount at /opt.</summary>
    public static SyntheticGuestBuilder Lab()
    {
        var builder = new SyntheticGuestBuilder().AddMount("/opt");
        builder.AddProcess(1, "systemd", 0, "/usr/lib/systemd/systemd", SyntheticSocket.Unix(10_001), SyntheticSocket.OfFamily(SyntheticSocket.AfNetlink, 10_002));
        builder.AddKernelThread(2, "kthreadd");
        for (var pid = 3; pid < 42; pid++)
        {
            builder.AddKernelThread(pid, KernelThreadNames[pid % KernelThreadNames.Length]);
        }

        var inode = 20_000UL;
        for (var i = 0; i < 19; i++)
        {
            var pid = 300 + (i * 17);
            var port = (ushort)(8000 + i);
            var exe = i % 4 == 0 ? $"/opt/service{i}/bin/service{i}" : $"/usr/sbin/daemon{i}";
            builder.AddProcess(
                pid,
                $"daemon{i}",
                (uint)(i % 3 == 0 ? 0 : 1000 + i),
                exe,
                SyntheticSocket.Tcp(new IPEndPoint(IPAddress.Any, port), new IPEndPoint(IPAddress.Any, 0), SocketState.Listen, inode++),
                SyntheticSocket.Tcp(
                    new IPEndPoint(IPAddress.Parse("192.168.122.10"), port),
                    new IPEndPoint(IPAddress.Parse("192.168.122.1"), 40_000 + i),
                    SocketState.Established,
                    inode++),
                SyntheticSocket.Udp(new IPEndPoint(IPAddress.IPv6Any, port), new IPEndPoint(IPAddress.IPv6Any, 0), SocketState.Close, inode++),
                SyntheticSocket.Unix(inode++));
        }

        return builder;
    }

    /// <summary><paramref name="count"/> processes, each with two inet sockets, one unix socket and an executable
    /// three components deep (spread over 64 binaries, as many processes run the same program).</summary>
    public static SyntheticGuestBuilder Processes(int count)
    {
        var builder = new SyntheticGuestBuilder();
        var inode = 1_000_000UL;
        for (var pid = 1; pid <= count; pid++)
        {
            var port = (ushort)(1024 + (pid % 60_000));
            builder.AddProcess(
                pid,
                $"worker{pid}",
                (uint)(1000 + (pid % 50)),
                $"/usr/bin/worker{pid % 64}",
                SyntheticSocket.Tcp(new IPEndPoint(IPAddress.Any, port), new IPEndPoint(IPAddress.Any, 0), SocketState.Listen, inode++),
                SyntheticSocket.Tcp(
                    new IPEndPoint(IPAddress.Parse("fd00::10"), port),
                    new IPEndPoint(IPAddress.Parse("fd00::1"), 50_000),
                    SocketState.Established,
                    inode++),
                SyntheticSocket.Unix(inode++));
        }

        return builder;
    }
}
