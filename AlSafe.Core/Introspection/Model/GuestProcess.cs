namespace AlSafe.Core.Introspection.Model;

/// <summary>A thread-group leader and the inet sockets in its file table.</summary>
/// <param name="Comm">The 16-byte task name. Writable by the process itself: never the only thing a policy trusts.</param>
/// <param name="ExePath">The path of mm->exe_file, or null for kernel threads.</param>
/// <param name="OtherSockets">Sockets of families other than inet and inet6 (unix, netlink, ...), counted only.</param>
public sealed record GuestProcess(
    int Pid,
    int Tgid,
    int ParentPid,
    string Comm,
    uint Uid,
    string? ExePath,
    bool IsKernelThread,
    IReadOnlyList<GuestSocket> Sockets,
    int OtherSockets);
