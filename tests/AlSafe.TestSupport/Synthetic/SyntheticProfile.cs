using AlSafe.Core.Profiles;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>
/// A made-up kernel build whose symbols and struct layouts are self-consistent and shaped like Debian's 6.1 (members
/// at plausible, unaligned-to-each-other offsets, so a walker that confuses two structs reads garbage). It carries
/// every <see cref="ProfileRequirements"/> entry plus the few extra members the image builder places objects with.
/// </summary>
public static class SyntheticProfile
{
    public const string Release = "6.1.0-synthetic";

    public const string Banner =
        "Linux version 6.1.0-synthetic (alsafe@synthetic) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.0-synthetic (2025-01-01)\n";

    /// <summary>Link-time address of _text, as for every x86-64 kernel built with the default PHYSICAL_START.</summary>
    public const ulong TextAddress = 0xFFFF_FFFF_8100_0000;

    /// <summary>Bytes from _text to the end of the image; every symbol below lies inside.</summary>
    public const ulong ImageSize = 32UL << 20;

    /// <summary>The profile. Without <paramref name="withFiveLevelSymbol"/> it describes a kernel built without
    /// 5-level paging support, which has no __pgtable_l5_enabled.</summary>
    public static KernelProfile Create(bool withFiveLevelSymbol = true)
    {
        var symbols = new Dictionary<string, ulong>
        {
            ["_text"] = TextAddress,
            ["linux_banner"] = 0xFFFF_FFFF_8200_0140,
            ["socket_file_ops"] = 0xFFFF_FFFF_8222_6D40,
            ["null_fops"] = 0xFFFF_FFFF_8222_8E80,
            ["ext4_file_operations"] = 0xFFFF_FFFF_8222_9A40,
            ["init_top_pgt"] = 0xFFFF_FFFF_8260_A000,
            ["init_task"] = 0xFFFF_FFFF_82A0_C940,
            ["phys_base"] = 0xFFFF_FFFF_82A1_A010,
            ["page_offset_base"] = 0xFFFF_FFFF_82A1_A0A8,
            ["init_files"] = 0xFFFF_FFFF_82A1_B080,
            ["init_cred"] = 0xFFFF_FFFF_82A1_B3C0,
        };
        if (withFiveLevelSymbol)
        {
            symbols["__pgtable_l5_enabled"] = 0xFFFF_FFFF_82A1_A0C4;
        }

        return new KernelProfile
        {
            Release = Release,
            Banner = Banner,
            BuildId = "5a7e71c0ffee5a7e71c0ffee5a7e71c0ffee0001",
            Source = "synthetic",
            Symbols = symbols,
            Types = Types(),
        };
    }

    private static Dictionary<string, StructLayout> Types() => new()
    {
        ["list_head"] = Layout(0x10, ("next", 0x0), ("prev", 0x8)),
        ["task_struct"] = Layout(
            0xA00,
            ("flags", 0x2C), ("tasks", 0x4A8), ("mm", 0x4F8), ("pid", 0x5C8), ("tgid", 0x5CC),
            ("real_parent", 0x5D8), ("group_leader", 0x5E8), ("real_cred", 0x780), ("comm", 0x790), ("files", 0x7D8)),
        ["cred"] = Layout(0xA8, ("uid", 0x4)),
        ["mm_struct"] = Layout(0x440, ("exe_file", 0x3C8)),
        ["files_struct"] = Layout(0x2C0, ("fdt", 0x20), ("fdtab", 0x28), ("fd_array", 0xC0)),
        ["fdtable"] = Layout(0x38, ("max_fds", 0x0), ("fd", 0x8)),
        ["file"] = Layout(0xE8, ("f_path", 0x10), ("f_inode", 0x20), ("f_op", 0x28), ("private_data", 0xC8)),
        ["path"] = Layout(0x10, ("mnt", 0x0), ("dentry", 0x8)),
        ["dentry"] = Layout(0xC0, ("d_parent", 0x18), ("d_name", 0x20), ("d_iname", 0x38)),
        ["qstr"] = Layout(0x10, ("hash", 0x0), ("len", 0x4), ("name", 0x8)),
        ["mount"] = Layout(0x140, ("mnt_parent", 0x10), ("mnt_mountpoint", 0x18), ("mnt", 0x20)),
        ["vfsmount"] = Layout(0x20, ("mnt_root", 0x0), ("mnt_sb", 0x8), ("mnt_flags", 0x10)),
        ["inode"] = Layout(0x260, ("i_ino", 0x40)),
        ["socket"] = Layout(0x80, ("state", 0x0), ("type", 0x4), ("file", 0x10), ("sk", 0x18)),
        ["socket_alloc"] = Layout(0x2E0, ("socket", 0x0), ("vfs_inode", 0x80)),
        ["sock"] = Layout(0x2F8, ("__sk_common", 0x0), ("sk_type", 0x208), ("sk_protocol", 0x20A)),
        ["sock_common"] = Layout(
            0x88,
            ("skc_daddr", 0x0), ("skc_rcv_saddr", 0x4), ("skc_dport", 0xC), ("skc_num", 0xE), ("skc_family", 0x10),
            ("skc_state", 0x12), ("skc_v6_daddr", 0x38), ("skc_v6_rcv_saddr", 0x48)) with
        {
            // The byte after skc_state packs four bitfields, as in Debian's 6.1: a walker must pick its one bit.
            BitFields = new Dictionary<string, BitField>
            {
                ["skc_reuse"] = new(0x13 * 8, 4),
                ["skc_reuseport"] = new((0x13 * 8) + 4, 1),
                ["skc_ipv6only"] = new((0x13 * 8) + 5, 1),
                ["skc_net_refcnt"] = new((0x13 * 8) + 6, 1),
            },
        },
    };

    private static StructLayout Layout(ulong size, params (string Name, ulong Offset)[] fields) =>
        new(size, fields.ToDictionary(f => f.Name, f => f.Offset));
}
