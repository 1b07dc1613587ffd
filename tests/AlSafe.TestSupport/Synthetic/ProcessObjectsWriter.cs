using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>Writes one process's task_struct and everything it points at: cred, mm and exe file, file table, sockets.</summary>
internal sealed class ProcessObjectsWriter(
    KernelObjectWriter writer,
    PhysicalAllocator heap,
    GuestAddressSpace space,
    MountTree mounts,
    FileObjectsWriter files,
    SharedKernelObjects shared)
{
    public const uint PfKthread = 0x0020_0000;

    // TASK_COMM_LEN.
    private const int CommLength = 16;

    // PF_FORKNOEXEC | PF_NOFREEZE beside PF_KTHREAD, and PF_RANDOMIZE | PF_SUPERPRIV for processes: flag bits a walker
    // must mask rather than compare.
    private const uint KernelThreadFlags = PfKthread | 0x0000_8040;
    private const uint ProcessFlags = 0x0040_0100;

    // LOOPBACK4_IPV6: what Linux stores in the IPv4 fields of an IPv6 socket whose addresses are not v4-mapped.
    private static readonly IPAddress Loopback4Ipv6 = IPAddress.Parse("127.0.0.6");

    private readonly Dictionary<string, ulong> _exeInodes = [];
    private ulong _nextExeInode = 0x20_0000;

    public SyntheticTask Write(SyntheticProcess process, ulong task, ulong parentVirtual)
    {
        var cred = heap.Allocate(writer.SizeOf("cred"), 64);
        writer.U32(cred, "cred", "uid", process.Uid);

        var self = space.DirectVirtual(task);
        writer.U32(task, "task_struct", "pid", (uint)process.Pid);
        writer.U32(task, "task_struct", "tgid", (uint)process.Pid);
        writer.Bytes(task, "task_struct", "comm", Comm(process.Comm));
        writer.U64(task, "task_struct", "real_parent", parentVirtual);
        writer.U64(task, "task_struct", "group_leader", self);
        writer.U64(task, "task_struct", "real_cred", space.DirectVirtual(cred));

        if (process.IsKernelThread)
        {
            writer.U32(task, "task_struct", "flags", KernelThreadFlags);
            writer.U64(task, "task_struct", "files", space.ImageVirtual(shared.InitFiles));
            var (fdt, fd) = files.EmbeddedTableOf(shared.InitFiles);
            return new SyntheticTask(process.Pid, task, cred, null, null, null, shared.InitFiles, fdt, fd, []);
        }

        writer.U32(task, "task_struct", "flags", ProcessFlags);
        var mm = heap.Allocate(writer.SizeOf("mm_struct"), 64);
        writer.U64(task, "task_struct", "mm", space.DirectVirtual(mm));
        ulong? exeFile = null;
        ulong? exeDentry = null;
        if (process.ExePath is { } exePath)
        {
            (exeFile, exeDentry) = ExeFile(exePath);
            writer.U64(mm, "mm_struct", "exe_file", space.DirectVirtual(exeFile.Value));
        }

        var filesStruct = heap.Allocate(writer.SizeOf("files_struct"), 64);
        writer.U64(task, "task_struct", "files", space.DirectVirtual(filesStruct));
        var sockets = Descriptors(process.Sockets);
        var (fdTable, fdArray) = files.WriteTable(filesStruct, sockets.Count == 0 ? 2 : Math.Max(2, sockets.Keys.Max()));
        for (var fd = 0; fd <= 2; fd++)
        {
            writer.U64(fdArray + ((ulong)fd * 8), space.DirectVirtual(shared.NullFile));
        }

        var socketObjects = new List<SyntheticSocketObjects>();
        foreach (var (fd, socket) in sockets)
        {
            var objects = Socket(fd, socket);
            writer.U64(fdArray + ((ulong)fd * 8), space.DirectVirtual(objects.File));
            socketObjects.Add(objects);
        }

        return new SyntheticTask(process.Pid, task, cred, mm, exeFile, exeDentry, filesStruct, fdTable, fdArray, socketObjects);
    }

    private static byte[] Comm(string comm)
    {
        var bytes = new byte[CommLength];
        var utf8 = Encoding.UTF8.GetBytes(comm);
        utf8.AsSpan(0, Math.Min(utf8.Length, CommLength - 1)).CopyTo(bytes);
        return bytes;
    }

    private static SortedDictionary<int, SyntheticSocket> Descriptors(IReadOnlyList<SyntheticSocket> sockets)
    {
        var byFd = new SortedDictionary<int, SyntheticSocket>();
        foreach (var socket in sockets.Where(s => s.Fd is not null))
        {
            if (socket.Fd < 3 || !byFd.TryAdd(socket.Fd!.Value, socket))
            {
                throw new ArgumentException($"socket fd {socket.Fd} is taken (0-2 hold /dev/null)", nameof(sockets));
            }
        }

        var next = 3;
        foreach (var socket in sockets.Where(s => s.Fd is null))
        {
            while (byFd.ContainsKey(next))
            {
                next++;
            }

            byFd[next] = socket;
        }

        return byFd;
    }

    private (ulong File, ulong Dentry) ExeFile(string path)
    {
        var (vfsmount, dentry) = mounts.Resolve(path);
        if (!_exeInodes.TryGetValue(path, out var inode))
        {
            inode = heap.Allocate(writer.SizeOf("inode"), 64);
            writer.U64(inode, "inode", "i_ino", _nextExeInode++);
            _exeInodes[path] = inode;
        }

        var file = files.NewFile(vfsmount, dentry, space.SymbolRuntime("ext4_file_operations"), inode);
        return (file, dentry);
    }

    private SyntheticSocketObjects Socket(int fd, SyntheticSocket spec)
    {
        // struct socket_alloc keeps the socket and its inode together, as sockfs allocates them.
        var alloc = heap.Allocate(writer.SizeOf("socket_alloc"), 64);
        var socket = alloc + writer.Offset("socket_alloc", "socket");
        var inode = alloc + writer.Offset("socket_alloc", "vfs_inode");
        var sock = heap.Allocate(writer.SizeOf("sock"), 64);
        var file = files.NewFile(shared.SockfsMount, shared.SockfsRoot, space.SymbolRuntime("socket_file_ops"), inode);
        writer.U64(file, "file", "private_data", space.DirectVirtual(socket));

        writer.U64(inode, "inode", "i_ino", spec.Inode);
        writer.U16(socket, "socket", "type", spec.Type);
        writer.U64(socket, "socket", "file", space.DirectVirtual(file));
        writer.U64(socket, "socket", "sk", space.DirectVirtual(sock));

        writer.U16(sock, "sock", "sk_type", spec.Type);
        writer.U16(sock, "sock", "sk_protocol", spec.Protocol);
        SockCommon(sock + writer.Offset("sock", "__sk_common"), spec);
        return new SyntheticSocketObjects(fd, file, socket, sock, inode);
    }

    private void SockCommon(ulong common, SyntheticSocket spec)
    {
        writer.U16(common, "sock_common", "skc_family", spec.Family);
        writer.Bytes(common, "sock_common", "skc_state", [spec.State]);
        if (spec.Family is not (SyntheticSocket.AfInet or SyntheticSocket.AfInet6))
        {
            return;
        }

        // SO_REUSEADDR and the namespace reference every user socket holds set the bits around skc_ipv6only.
        writer.Bits(common, "sock_common", "skc_reuse", 1);
        writer.Bits(common, "sock_common", "skc_net_refcnt", 1);
        writer.U16(common, "sock_common", "skc_num", (ushort)spec.Local.Port);
        writer.Bytes(common, "sock_common", "skc_dport", [(byte)(spec.Remote.Port >> 8), (byte)spec.Remote.Port]);
        if (spec.Family == SyntheticSocket.AfInet)
        {
            writer.Bytes(common, "sock_common", "skc_rcv_saddr", V4(spec.Local.Address));
            writer.Bytes(common, "sock_common", "skc_daddr", V4(spec.Remote.Address));
            return;
        }

        writer.Bits(common, "sock_common", "skc_ipv6only", spec.V6Only ? 1UL : 0UL);
        writer.Bytes(common, "sock_common", "skc_v6_rcv_saddr", V6(spec.Local.Address));
        writer.Bytes(common, "sock_common", "skc_v6_daddr", V6(spec.Remote.Address));
        writer.Bytes(common, "sock_common", "skc_rcv_saddr", V4Shadow(spec.Local.Address));
        writer.Bytes(common, "sock_common", "skc_daddr", V4Shadow(spec.Remote.Address));
    }

    private static byte[] V4(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
        ? address.GetAddressBytes()
        : throw new ArgumentException($"{address} is not an IPv4 address for an AF_INET socket", nameof(address));

    private static byte[] V6(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6
        ? address.GetAddressBytes()
        : throw new ArgumentException($"{address} is not an IPv6 address for an AF_INET6 socket", nameof(address));

    private static byte[] V4Shadow(IPAddress address) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
            : address.Equals(IPAddress.IPv6Any) ? IPAddress.Any
            : Loopback4Ipv6).GetAddressBytes();
}
