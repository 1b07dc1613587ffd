namespace AlSafe.Core.Profiles;

/// <summary>
/// The contract between profile builders and the walkers: every symbol and member the walkers read. A profile that
/// lacks one of the required entries is refused when it is built or loaded, not discovered missing mid-walk.
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

    /// <summary>Lists what <paramref name="profile"/> lacks, one entry per missing symbol or member.</summary>
    public static IReadOnlyList<string> Missing(KernelProfile profile)
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

        return missing;
    }
}
