using System.Numerics;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>Writes struct file objects and the descriptor tables that hold them.</summary>
internal sealed class FileObjectsWriter(KernelObjectWriter writer, PhysicalAllocator heap, GuestAddressSpace space)
{
    // NR_OPEN_DEFAULT: descriptors that fit the table embedded in files_struct.
    private const int EmbeddedFds = 64;

    public ulong NewFile(ulong vfsmount, ulong dentry, ulong fileOperations, ulong inode)
    {
        var file = heap.Allocate(writer.SizeOf("file"), 64);
        var path = file + writer.Offset("file", "f_path");
        writer.U64(path, "path", "mnt", vfsmount);
        writer.U64(path, "path", "dentry", space.DirectVirtual(dentry));
        writer.U64(file, "file", "f_op", fileOperations);
        writer.U64(file, "file", "f_inode", space.DirectVirtual(inode));
        return file;
    }

    /// <summary>Points <paramref name="files"/> at the 64-slot table embedded in it; <paramref name="toVirtual"/>
    /// differs for init_files, which lives in the kernel image rather than the direct map.</summary>
    public (ulong FdTable, ulong FdArray) WriteEmbeddedTable(ulong files, Func<ulong, ulong> toVirtual)
    {
        var (fdTable, fdArray) = EmbeddedTableOf(files);
        writer.U64(files, "files_struct", "fdt", toVirtual(fdTable));
        writer.U32(fdTable, "fdtable", "max_fds", EmbeddedFds);
        writer.U64(fdTable, "fdtable", "fd", toVirtual(fdArray));
        return (fdTable, fdArray);
    }

    public (ulong FdTable, ulong FdArray) EmbeddedTableOf(ulong files) =>
        (files + writer.Offset("files_struct", "fdtab"), files + writer.Offset("files_struct", "fd_array"));

    /// <summary>Like the kernel, uses the table embedded in files_struct while it suffices and otherwise allocates one
    /// sized as expand_fdtable rounds (a power of two of 1 KiB arrays).</summary>
    public (ulong FdTable, ulong FdArray) WriteTable(ulong files, int highestFd)
    {
        if (highestFd < EmbeddedFds)
        {
            return WriteEmbeddedTable(files, space.DirectVirtual);
        }

        const int perKiB = 1024 / 8;
        var maxFds = BitOperations.RoundUpToPowerOf2((uint)(highestFd / perKiB) + 1) * perKiB;
        var fdTable = heap.Allocate(writer.SizeOf("fdtable"), 64);
        var fdArray = heap.Allocate(maxFds * 8UL, 64);
        writer.U64(files, "files_struct", "fdt", space.DirectVirtual(fdTable));
        writer.U32(fdTable, "fdtable", "max_fds", maxFds);
        writer.U64(fdTable, "fdtable", "fd", space.DirectVirtual(fdArray));
        return (fdTable, fdArray);
    }
}
