using AlSafe.Core.Profiles;

namespace AlSafe.Core.Introspection.Walkers;

/// <summary>
/// The member offsets the walkers use, looked up once from a profile so that the hot loops read plain fields
/// instead of doing dictionary lookups per object.
/// </summary>
public sealed class KernelOffsets
{
    public KernelOffsets(KernelProfile profile)
    {
        ulong F(string type, string field) => profile.Types[type].Fields[field];

        ListNext = F("list_head", "next");
        ListPrev = F("list_head", "prev");
        TaskTasks = F("task_struct", "tasks");
        TaskPid = F("task_struct", "pid");
        TaskTgid = F("task_struct", "tgid");
        TaskComm = F("task_struct", "comm");
        TaskRealParent = F("task_struct", "real_parent");
        TaskMm = F("task_struct", "mm");
        TaskFiles = F("task_struct", "files");
        TaskRealCred = F("task_struct", "real_cred");
        TaskFlags = F("task_struct", "flags");
        CredUid = F("cred", "uid");
        MmExeFile = F("mm_struct", "exe_file");
        FilesFdt = F("files_struct", "fdt");
        FdtMaxFds = F("fdtable", "max_fds");
        FdtFd = F("fdtable", "fd");
        FilePath = F("file", "f_path");
        FileOp = F("file", "f_op");
        FilePrivateData = F("file", "private_data");
        FileInode = F("file", "f_inode");
        PathMnt = F("path", "mnt");
        PathDentry = F("path", "dentry");
        DentryParent = F("dentry", "d_parent");
        DentryName = F("dentry", "d_name");
        QstrName = F("qstr", "name");
        QstrLen = F("qstr", "len");
        MountMnt = F("mount", "mnt");
        MountParent = F("mount", "mnt_parent");
        MountMountpoint = F("mount", "mnt_mountpoint");
        VfsmountRoot = F("vfsmount", "mnt_root");
        InodeIno = F("inode", "i_ino");
        SocketSk = F("socket", "sk");
        var common = F("sock", "__sk_common");
        SkProtocol = F("sock", "sk_protocol");
        SkFamily = common + F("sock_common", "skc_family");
        SkState = common + F("sock_common", "skc_state");
        SkNum = common + F("sock_common", "skc_num");
        SkDport = common + F("sock_common", "skc_dport");
        SkRcvSaddr = common + F("sock_common", "skc_rcv_saddr");
        SkDaddr = common + F("sock_common", "skc_daddr");
        SkV6RcvSaddr = common + F("sock_common", "skc_v6_rcv_saddr");
        SkV6Daddr = common + F("sock_common", "skc_v6_daddr");
        if (profile.Types["sock_common"].BitFields.TryGetValue("skc_ipv6only", out var v6Only) && v6Only.BitLength == 1)
        {
            SkIpv6OnlyBit = (common * 8) + v6Only.BitOffset;
        }
    }

    public ulong ListNext { get; }
    public ulong ListPrev { get; }
    public ulong TaskTasks { get; }
    public ulong TaskPid { get; }
    public ulong TaskTgid { get; }
    public ulong TaskComm { get; }
    public ulong TaskRealParent { get; }
    public ulong TaskMm { get; }
    public ulong TaskFiles { get; }
    public ulong TaskRealCred { get; }
    public ulong TaskFlags { get; }
    public ulong CredUid { get; }
    public ulong MmExeFile { get; }
    public ulong FilesFdt { get; }
    public ulong FdtMaxFds { get; }
    public ulong FdtFd { get; }
    public ulong FilePath { get; }
    public ulong FileOp { get; }
    public ulong FilePrivateData { get; }
    public ulong FileInode { get; }
    public ulong PathMnt { get; }
    public ulong PathDentry { get; }
    public ulong DentryParent { get; }
    public ulong DentryName { get; }
    public ulong QstrName { get; }
    public ulong QstrLen { get; }
    public ulong MountMnt { get; }
    public ulong MountParent { get; }
    public ulong MountMountpoint { get; }
    public ulong VfsmountRoot { get; }
    public ulong InodeIno { get; }
    public ulong SocketSk { get; }
    public ulong SkProtocol { get; }
    public ulong SkFamily { get; }
    public ulong SkState { get; }
    public ulong SkNum { get; }
    public ulong SkDport { get; }
    public ulong SkRcvSaddr { get; }
    public ulong SkDaddr { get; }
    public ulong SkV6RcvSaddr { get; }
    public ulong SkV6Daddr { get; }

    /// <summary>The bit of skc_ipv6only counted from the start of struct sock, or null when the profile was saved
    /// before it recorded the flag.</summary>
    public ulong? SkIpv6OnlyBit { get; }
}
