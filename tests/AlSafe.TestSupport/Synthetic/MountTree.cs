using System.Text;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>
/// The guest's mounts and the dentries of every path placed in it. Dentries are shared like the kernel's dcache: two
/// files under /usr/bin reach the same "bin" and "usr" dentries, so the image stays compact and a corrupted dentry
/// affects every path through it, as it would in a real guest.
/// </summary>
internal sealed class MountTree
{
    // DNAME_INLINE_LEN: shorter names live inside the dentry, longer ones in a separate allocation.
    private const int InlineNameLength = 32;

    private readonly KernelObjectWriter _writer;
    private readonly PhysicalAllocator _heap;
    private readonly GuestAddressSpace _space;
    private readonly List<(string Point, ulong Mount, ulong RootDentry)> _mounts = [];
    private readonly Dictionary<(ulong Parent, string Name), ulong> _dentries = [];

    public MountTree(KernelObjectWriter writer, PhysicalAllocator heap, GuestAddressSpace space)
    {
        _writer = writer;
        _heap = heap;
        _space = space;
        Add("/", parentMount: null, mountpoint: null);
    }

    /// <summary>A mount not attached anywhere (sockfs, pipefs): its own parent, as the kernel keeps internal mounts.</summary>
    public (ulong VfsMount, ulong RootDentry) Detached()
    {
        var (mount, root) = CreateMount(parentMount: null, mountpoint: null);
        return (VfsMount(mount), root);
    }

    /// <summary>Mounts a filesystem at <paramref name="point"/>, inside whichever mount already holds that path.</summary>
    public void Mount(string point)
    {
        var (parent, dentry) = Lookup(point);
        Add(point, parent, dentry);
    }

    /// <summary>The vfsmount (virtual) and dentry (physical) of <paramref name="path"/>, creating dentries as needed.</summary>
    public (ulong VfsMount, ulong Dentry) Resolve(string path)
    {
        var (mount, dentry) = Lookup(path);
        return (VfsMount(mount), dentry);
    }

    private (ulong Mount, ulong Dentry) Lookup(string path)
    {
        var components = Components(path);
        var (point, mount, dentry) = _mounts
            .Where(m => IsUnder(components, Components(m.Point)))
            .MaxBy(m => Components(m.Point).Length);
        foreach (var name in components.Skip(Components(point).Length))
        {
            dentry = Child(dentry, name);
        }

        return (mount, dentry);
    }

    private void Add(string point, ulong? parentMount, ulong? mountpoint)
    {
        var (mount, root) = CreateMount(parentMount, mountpoint);
        _mounts.Add((point, mount, root));
    }

    private (ulong Mount, ulong Root) CreateMount(ulong? parentMount, ulong? mountpoint)
    {
        var mount = _heap.Allocate(_writer.SizeOf("mount"), 64);
        var root = NewDentry(parent: null, "/");
        _writer.U64(mount, "mount", "mnt_parent", _space.DirectVirtual(parentMount ?? mount));
        _writer.U64(mount, "mount", "mnt_mountpoint", _space.DirectVirtual(mountpoint ?? root));
        _writer.U64(mount + _writer.Offset("mount", "mnt"), "vfsmount", "mnt_root", _space.DirectVirtual(root));
        return (mount, root);
    }

    private ulong VfsMount(ulong mount) => _space.DirectVirtual(mount + _writer.Offset("mount", "mnt"));

    private ulong Child(ulong parent, string name)
    {
        if (!_dentries.TryGetValue((parent, name), out var dentry))
        {
            dentry = NewDentry(parent, name);
            _dentries[(parent, name)] = dentry;
        }

        return dentry;
    }

    private ulong NewDentry(ulong? parent, string name)
    {
        var dentry = _heap.Allocate(_writer.SizeOf("dentry"), 64);
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        var nameAddress = bytes.Length <= InlineNameLength
            ? dentry + _writer.Offset("dentry", "d_iname")
            : _heap.Allocate((ulong)bytes.Length, 8);
        _writer.Memory.Write(nameAddress, bytes);

        var qstr = dentry + _writer.Offset("dentry", "d_name");
        _writer.U32(qstr, "qstr", "len", (uint)(bytes.Length - 1));
        _writer.U64(qstr, "qstr", "name", _space.DirectVirtual(nameAddress));
        _writer.U64(dentry, "dentry", "d_parent", _space.DirectVirtual(parent ?? dentry));
        return dentry;
    }

    private static bool IsUnder(string[] path, string[] point) =>
        point.Length <= path.Length && point.SequenceEqual(path.Take(point.Length), StringComparer.Ordinal);

    private static string[] Components(string path)
    {
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"'{path}' is not an absolute path", nameof(path));
        }

        var components = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (components.Any(c => c is "." or ".."))
        {
            throw new ArgumentException($"'{path}' is not a normalised path", nameof(path));
        }

        return components;
    }
}
