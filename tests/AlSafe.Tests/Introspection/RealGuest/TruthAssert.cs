using AlSafe.Core.Introspection.Model;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Introspection.RealGuest;

/// <summary>
/// Compares an introspection with the guest's own view, process for process and socket for socket (IPV6_V6ONLY
/// included). Kernel worker
/// threads come and go on their own between the guest printing its view and the host reading memory, so only
/// kworker threads may differ; every other process must be present on both sides with equal fields.
/// </summary>
internal static class TruthAssert
{
    public static void Matches(IntrospectionSnapshot snapshot, GuestTruth truth)
    {
        var seen = snapshot.Processes.ToDictionary(p => p.Pid);
        var expected = truth.Processes.Where(p => p.Pid != truth.TruthPid).ToDictionary(p => p.Pid);

        var missing = expected.Values.Where(p => !seen.ContainsKey(p.Pid) && !IsTransient(p.Comm)).Select(Describe).ToList();
        var extra = seen.Values.Where(p => !expected.ContainsKey(p.Pid) && !IsTransient(p.Comm)).Select(p => $"{p.Pid} {p.Comm}").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(missing, Is.Empty, "processes the guest sees but introspection missed");
            Assert.That(extra, Is.Empty, "processes introspection found that the guest does not list");
        });

        foreach (var (pid, t) in expected)
        {
            if (!seen.TryGetValue(pid, out var p))
            {
                continue;
            }

            Assert.Multiple(() =>
            {
                // For kernel threads /proc/PID/comm shows the full name ("rcu_tasks_kthread") or the workqueue
                // ("kworker/0:1-events"); the task's own comm is its first 15 bytes.
                Assert.That(
                    p.IsKernelThread ? t.Comm.StartsWith(p.Comm, StringComparison.Ordinal) : p.Comm == t.Comm,
                    Is.True, $"pid {pid} comm '{p.Comm}' vs the guest's '{t.Comm}'");
                Assert.That(p.Tgid, Is.EqualTo(t.Tgid), $"pid {pid} tgid");
                Assert.That(p.ParentPid, Is.EqualTo(t.ParentPid), $"pid {pid} ppid");
                Assert.That(p.Uid, Is.EqualTo(t.Uid), $"pid {pid} uid");
                Assert.That(p.IsKernelThread, Is.EqualTo(t.Exe is null && t.Pid != 1), $"pid {pid} kernel thread");
                Assert.That(p.ExePath, Is.EqualTo(t.Exe), $"pid {pid} exe");
                Assert.That(p.OtherSockets, Is.EqualTo(t.OtherSockets), $"pid {pid} non-inet sockets");
                Assert.That(
                    p.Sockets.Select(Key).Order(StringComparer.Ordinal),
                    Is.EqualTo(t.Sockets.Select(Key).Order(StringComparer.Ordinal)),
                    $"pid {pid} ({t.Comm}) inet sockets");
            });
        }
    }

    private static bool IsTransient(string comm) => comm.StartsWith("kworker/", StringComparison.Ordinal);

    private static string Describe(TruthProcess p) => $"{p.Pid} {p.Comm} {p.Exe}";

    // The flag is part of the key: the guest's helper asked the kernel for it on every inet6 socket it lists.
    private static string Key(GuestSocket s) =>
        $"{s.Inode} {(s.Family == SocketFamily.Inet ? "inet" : "inet6")} {(s.Protocol == SocketProtocol.Tcp ? "tcp" : "udp")} " +
        $"{s.LocalAddress}:{s.LocalPort} {s.RemoteAddress}:{s.RemotePort} {(byte)s.State} v6only={Flag(s.V6Only)}";

    private static string Key(TruthSocket s) =>
        $"{s.Inode} {s.Family} {s.Protocol} {s.LocalAddress}:{s.LocalPort} {s.RemoteAddress}:{s.RemotePort} {s.State} v6only={Flag(s.V6Only)}";

    private static string Flag(bool? value) => value switch
    {
        null => "-",
        true => "1",
        false => "0",
    };
}
