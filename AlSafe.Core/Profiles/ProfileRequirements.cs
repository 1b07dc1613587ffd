namespace AlSafe.Core.Profiles;

/// <summary>
/// The contract between profile builders and the walkers: every symbol and member the walkers read. A profile that
/// lacks one of the required entries is refused when it is built or loaded, not discovered missing mid-walk. Flags
/// are required of every profile built or imported, but a profile saved before a flag was required still loads: the
/// walkers then report what the flag says as unknown, and the policy fails closed on it.
/// </summary>
public static class ProfileRequirements
{
    /// <summary>Globals that must be present (link-time virtual addresses).</summary>
    public static readonly IReadOnlyList<string> Symbols =
    [
        "_text",
        "linux_banner",
        "init_task",
        "init_top_pgt",
        "page_offset_base",
        "phys_base",
        "socket_file_ops",
    ];

    /// <summary>Globals read when present: a kernel built without 5-level paging support has no such variable.</summary>
    public static readonly IReadOnlyList<string> OptionalSymbols =
    [
        "__pgtable_l5_enabled",
    ];

    /// <summary>Struct members, by struct name.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Fields = new Dictionary<string, IReadOnlyList<string>>
    {
        ["list_head"] = ["next", "prev"],
        ["task_struct"] = ["tasks", "pid", "tgid", "comm", "real_parent", "group_leader", "mm", "files", "real_cred", "flags"],
        ["cred"] = ["uid"],
        ["mm_struct"] = ["exe_file"],
        ["files_struct"] = ["fdt"],
        ["fdtable"] = ["max_fds", "fd"],
        ["file"] = ["f_path", "f_op", "private_data", "f_inode"],
        ["path"] = ["mnt", "dentry"],
        ["dentry"] = ["d_parent", "d_name"],
        ["qstr"] = ["name", "len"],
        ["mount"] = ["mnt", "mnt_parent", "mnt_mountpoint"],
        ["vfsmount"] = ["mnt_root"],
        ["inode"] = ["i_ino"],
        ["socket"] = ["type", "sk"],
        ["sock"] = ["__sk_common", "sk_protocol", "sk_type"],
        ["sock_common"] =
        [
            "skc_daddr", "skc_rcv_saddr", "skc_dport", "skc_num", "skc_family", "skc_state",
            "skc_v6_daddr", "skc_v6_rcv_saddr",
        ],
    };

    /// <summary>One-bit bitfield members, by struct name.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Flags = new Dictionary<string, IReadOnlyList<string>>
    {
        // IPV6_V6ONLY: whether a socket on '::' also takes IPv4.
        ["sock_common"] = ["skc_ipv6only"],
    };

    /// <summary>Every struct named by <see cref="Fields"/> or <see cref="Flags"/>.</summary>
    public static IEnumerable<string> Structs => Fields.Keys.Union(Flags.Keys, StringComparer.Ordinal);

    /// <summary>Lists what a profile being built or imported lacks, one entry per missing symbol, member or flag.</summary>
    public static IReadOnlyList<string> Missing(KernelProfile profile)
    {
        var missing = LackedByWalkers(profile);
        foreach (var (type, flags) in Flags)
        {
            if (!profile.Types.TryGetValue(type, out var layout))
            {
                if (!Fields.ContainsKey(type))
                {
                    missing.Add($"struct {type}");
                }

                continue;
            }

            foreach (var f in flags)
            {
                if (!layout.BitFields.ContainsKey(f))
                {
                    missing.Add($"flag {type}.{f}");
                }
            }
        }

        return missing;
    }

    /// <summary>Lists what a loaded profile lacks that the walkers cannot do without: every symbol and member. A flag
    /// may be absent, but one that is present must be one bit wide.</summary>
    public static IReadOnlyList<string> MissingToWalk(KernelProfile profile) => LackedByWalkers(profile);

    private static List<string> LackedByWalkers(KernelProfile profile)
    {
        var missing = new List<string>();
        foreach (var s in Symbols)
        {
            if (!profile.Symbols.ContainsKey(s))
            {
                missing.Add($"symbol {s}");
            }
        }

        foreach (var (type, fields) in Fields)
        {
            if (!profile.Types.TryGetValue(type, out var layout))
            {
                missing.Add($"struct {type}");
                continue;
            }

            foreach (var f in fields)
            {
                if (!layout.Fields.ContainsKey(f))
                {
                    missing.Add($"member {type}.{f}");
                }
            }
        }

        foreach (var (type, flags) in Flags)
        {
            foreach (var f in flags)
            {
                if (profile.Types.TryGetValue(type, out var layout) && layout.BitFields.TryGetValue(f, out var bits) && bits.BitLength != 1)
                {
                    missing.Add($"flag {type}.{f} as one bit (it is {bits.BitLength} bits wide)");
                }
            }
        }

        return missing;
    }
}
