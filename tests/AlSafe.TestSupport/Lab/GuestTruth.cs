using System.Net;

namespace AlSafe.TestSupport.Lab;

/// <summary>
/// The guest's own view of its processes and sockets, printed by alsafe-guest truth. Ground truth for tests only.
/// The printing process itself is not listed: <see cref="TruthPid"/> names it (it exits right after printing).
/// </summary>
public sealed record GuestTruth(IReadOnlyList<TruthProcess> Processes, int TruthPid)
{
    /// <summary>uname -r inside the guest.</summary>
    public string KernelRelease { get; init; } = "";

    /// <summary>The runtime (KASLR-shifted) address of _text from the guest's /proc/kallsyms.</summary>
    public ulong KernelTextAddress { get; init; }
}

/// <summary>
/// One thread-group leader. Comm is /proc/PID/comm: for kernel workers the kernel decorates it (kworker/0:1-events),
/// unlike the 16-byte task comm. Exe is null where /proc/PID/exe has no target (kernel threads).
/// <see cref="Sockets"/> are the distinct inet sockets among its fds; <see cref="OtherSockets"/> counts the distinct
/// socket fds of other families (unix, netlink), which have no /proc/net/{tcp,tcp6,udp,udp6} row.
/// </summary>
public sealed record TruthProcess(int Pid, int ParentPid, int Tgid, uint Uid, string Comm, string? Exe,
    IReadOnlyList<TruthSocket> Sockets, int OtherSockets);

/// <summary>
/// One row of /proc/net/{tcp,tcp6,udp,udp6}. Family is "inet" or "inet6", Protocol "tcp" or "udp"; State is the
/// kernel's number (0x0A LISTEN, 0x01 ESTABLISHED, UDP 0x07 unconnected). A dual-stack socket's IPv4 peers appear as
/// ::ffff:a.b.c.d.
/// </summary>
public sealed record TruthSocket(ulong Inode, string Family, string Protocol, IPAddress LocalAddress, ushort LocalPort,
    IPAddress RemoteAddress, ushort RemotePort, byte State)
{
    /// <summary>IPV6_V6ONLY of an inet6 socket, as getsockopt answered the helper on a copy of an owner's descriptor
    /// (pidfd_getfd); null for inet sockets and where the helper could not ask.</summary>
    public bool? V6Only { get; init; }
}
