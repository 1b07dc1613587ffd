using System.Buffers.Binary;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Introspection.Walkers;

/// <summary>
/// Walks one process's fd table and keeps the sockets. A file is a socket when its f_op is the kernel's own
/// socket_file_ops (runtime address), which the guest cannot fake without also changing how the file behaves.
/// </summary>
public sealed class FileTableWalker
{
    private const int Batch = 512;

    private readonly GuestReader _reader;
    private readonly KernelOffsets _o;
    private readonly IntrospectionLimits _limits;
    private readonly ulong _socketFileOps;
    private readonly SocketDecoder _sockets;
    private readonly byte[] _slots = new byte[Batch * 8];

    public FileTableWalker(GuestReader reader, KernelOffsets offsets, IntrospectionLimits limits, ulong socketFileOps)
    {
        _reader = reader;
        _o = offsets;
        _limits = limits;
        _socketFileOps = socketFileOps;
        _sockets = new SocketDecoder(reader, offsets);
    }

    public (IReadOnlyList<GuestSocket> Inet, int Other) Walk(ulong files)
    {
        var fdt = _reader.Pointer(files + _o.FilesFdt, "files_struct.fdt");
        var maxFds = _reader.U32(fdt + _o.FdtMaxFds, "fdtable.max_fds");
        if (maxFds > (uint)_limits.MaxFdsPerTask)
        {
            throw new IntrospectionException(
                IntrospectionFault.LimitExceeded,
                $"fd table claims {maxFds} slots (limit {_limits.MaxFdsPerTask})");
        }

        var fdArray = _reader.Pointer(fdt + _o.FdtFd, "fdtable.fd");
        var inet = new List<GuestSocket>();
        var other = 0;
        for (var first = 0; first < (int)maxFds; first += Batch)
        {
            _reader.Deadline.Check("reading an fd table");
            var count = Math.Min(Batch, (int)maxFds - first);
            var slots = _slots.AsSpan(0, count * 8);
            _reader.Read(fdArray + ((ulong)first * 8), slots, "fdtable.fd array");
            for (var i = 0; i < count; i++)
            {
                var fd = first + i;
                var slot = fdArray + ((ulong)fd * 8);
                var file = BinaryPrimitives.ReadUInt64LittleEndian(slots[(i * 8)..]);
                if (file == 0)
                {
                    continue;
                }

                try
                {
                    _reader.CheckPointer(file, slot, "fd array slot");
                    if (_reader.OptionalPointer(file + _o.FileOp, "file.f_op") != _socketFileOps)
                    {
                        continue;
                    }

                    var socket = _reader.Pointer(file + _o.FilePrivateData, "file.private_data");
                    var inodePtr = _reader.Pointer(file + _o.FileInode, "file.f_inode");
                    var inode = _reader.U64(inodePtr + _o.InodeIno, "inode.i_ino");
                    var sock = _reader.Pointer(socket + _o.SocketSk, "socket.sk");
                    if (_sockets.Decode(sock, fd, inode) is { } decoded)
                    {
                        inet.Add(decoded);
                    }
                    else
                    {
                        other++;
                    }
                }
                catch (IntrospectionException e)
                {
                    // Context is added only on failure so that the loop formats no strings per descriptor.
                    throw new IntrospectionException(e.Fault, $"fd {fd}: {e.Message}", e);
                }
            }
        }

        return (inet, other);
    }
}
