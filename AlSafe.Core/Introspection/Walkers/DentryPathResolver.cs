namespace AlSafe.Core.Introspection.Walkers;

/// <summary>
/// Rebuilds a file's absolute path from its dentry and mount, as the kernel's d_path does: climb d_parent to the root
/// of the mount, then continue from the mountpoint in the parent mount. The climb is bounded by
/// <see cref="IntrospectionLimits.MaxPathDepth"/>, which also ends any d_parent or mount cycle.
/// </summary>
public sealed class DentryPathResolver
{
    private readonly GuestReader _reader;
    private readonly KernelOffsets _o;
    private readonly IntrospectionLimits _limits;
    private readonly Dictionary<(ulong Mnt, ulong Dentry), string> _cache = new();

    public DentryPathResolver(GuestReader reader, KernelOffsets offsets, IntrospectionLimits limits)
    {
        _reader = reader;
        _o = offsets;
        _limits = limits;
    }

    /// <summary>Resolves the struct path at <paramref name="pathAddress"/> (for example a file's f_path).</summary>
    public string Resolve(ulong pathAddress)
    {
        var vfsmount = _reader.Pointer(pathAddress + _o.PathMnt, "path.mnt");
        var dentry = _reader.Pointer(pathAddress + _o.PathDentry, "path.dentry");
        if (_cache.TryGetValue((vfsmount, dentry), out var cached))
        {
            return cached;
        }

        var start = dentry;
        var components = new List<string>();
        var mount = vfsmount - _o.MountMnt;
        var mntRoot = _reader.Pointer(vfsmount + _o.VfsmountRoot, "vfsmount.mnt_root");
        for (var step = 0; ; step++)
        {
            if (step >= _limits.MaxPathDepth)
            {
                throw new IntrospectionException(
                    IntrospectionFault.LimitExceeded,
                    $"path from dentry 0x{dentry:x} is deeper than {_limits.MaxPathDepth} components (or loops)");
            }

            if (dentry == mntRoot)
            {
                var parent = _reader.Pointer(mount + _o.MountParent, "mount.mnt_parent");
                if (parent == mount)
                {
                    break;
                }

                dentry = _reader.Pointer(mount + _o.MountMountpoint, "mount.mnt_mountpoint");
                mount = parent;
                mntRoot = _reader.Pointer(mount + _o.MountMnt + _o.VfsmountRoot, "vfsmount.mnt_root");
                continue;
            }

            var up = _reader.Pointer(dentry + _o.DentryParent, "dentry.d_parent");
            if (up == dentry)
            {
                break;
            }

            components.Add(Name(dentry));
            dentry = up;
        }

        components.Reverse();
        var path = "/" + string.Join('/', components);
        _cache[(vfsmount, start)] = path;
        return path;
    }

    private string Name(ulong dentry)
    {
        var qstr = dentry + _o.DentryName;
        var length = _reader.U32(qstr + _o.QstrLen, "dentry.d_name.len");
        if (length == 0 || length > (uint)_limits.MaxNameLength)
        {
            throw new IntrospectionException(
                IntrospectionFault.LimitExceeded,
                $"dentry 0x{dentry:x} has a name of {length} bytes (allowed 1 to {_limits.MaxNameLength})");
        }

        Span<byte> bytes = stackalloc byte[(int)length];
        _reader.Read(_reader.Pointer(qstr + _o.QstrName, "dentry.d_name.name"), bytes, "dentry name");

        // A name holding a separator would let a forged dentry spell a whitelisted path with fewer components.
        if (bytes.Contains((byte)'/') || bytes.Contains((byte)0))
        {
            throw new IntrospectionException(
                IntrospectionFault.Inconsistent, $"dentry 0x{dentry:x} has a name containing '/' or NUL");
        }

        return GuestText.Decode(bytes);
    }
}
