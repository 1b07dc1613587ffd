using AlSafe.Core.Introspection;
using AlSafe.TestSupport.Synthetic;
using NUnit.Framework;
using static AlSafe.Tests.Introspection.SyntheticIntrospectionAssert;

namespace AlSafe.Tests.Introspection;

/// <summary>
/// Guests that lie. Each test corrupts one thing a walker follows, the way a compromised guest kernel (or a list
/// caught mid-update) could, and expects a named fault and a message that says where the walk stopped.
/// </summary>
[TestFixture]
public sealed class SyntheticHostileGuestTests
{
    // Beside the direct map, in a PML4 slot nothing maps.
    private const ulong UnmappedKernelAddress = 0xFFFF_8900_0000_0000;

    private SyntheticGuest _pristine = null!;
    private SyntheticGuest _guest = null!;

    [OneTimeSetUp]
    public void BuildScene() => _pristine = SyntheticGuestTests.Scene(new SyntheticGuestBuilder()).Build();

    [SetUp]
    public void CloneScene() => _guest = _pristine.Clone();

    [Test]
    public void A_task_list_that_loops_back_before_its_head_is_refused()
    {
        WriteTasksNext(501, TasksVirtual(400));

        Fails(Introspect, [IntrospectionFault.Cycle, IntrospectionFault.Inconsistent], "task list");
    }

    [Test]
    public void A_task_list_whose_back_link_disagrees_is_refused()
    {
        _guest.WriteUInt64(_guest.Field(TasksNode(500), "list_head", "prev"), TasksVirtual(3));

        Fails(Introspect, IntrospectionFault.Inconsistent, "prev");
    }

    [Test]
    public void An_unmapped_files_pointer_is_refused()
    {
        _guest.WriteUInt64(_guest.Field(_guest.Task(400).Task, "task_struct", "files"), UnmappedKernelAddress);

        Fails(Introspect, IntrospectionFault.Unmapped, "pid 400", "files_struct");
    }

    [Test]
    public void A_non_canonical_mm_pointer_is_refused()
    {
        _guest.WriteUInt64(_guest.Field(_guest.Task(500).Task, "task_struct", "mm"), 0x4141_4141_4141_4141);

        Fails(Introspect, IntrospectionFault.NonCanonicalPointer, "pid 500", "4141414141414141");
    }

    [Test]
    public void A_user_space_pointer_in_an_fd_slot_is_refused()
    {
        _guest.WriteUInt64(_guest.Task(400).FdArray + (4 * 8), 0x0000_7FFF_DEAD_B000);

        Fails(Introspect, IntrospectionFault.NonCanonicalPointer, "pid 400", "fd 4");
    }

    [Test]
    public void A_huge_max_fds_is_refused_rather_than_walked()
    {
        _guest.WriteUInt32(_guest.Field(_guest.Task(400).FdTable, "fdtable", "max_fds"), 0x7FFF_FFFF);

        Fails(Introspect, IntrospectionFault.LimitExceeded, "pid 400", "2147483647");
    }

    [Test]
    public void More_tasks_than_the_limit_are_refused()
    {
        Fails(() => Introspect(IntrospectionLimits.Default with { MaxTasks = 4 }), IntrospectionFault.LimitExceeded, "4");
    }

    [Test]
    public void Exactly_as_many_tasks_and_fds_as_the_limits_allow_are_accepted()
    {
        // pid 500 holds fd 100, so its table was grown to 128 slots.
        var limits = IntrospectionLimits.Default with { MaxTasks = 7, MaxFdsPerTask = 128 };

        Assert.That(new Introspector([_guest.Profile], limits).Introspect(_guest.Memory).Processes, Has.Count.EqualTo(7));
        Fails(() => Introspect(limits with { MaxFdsPerTask = 127 }), IntrospectionFault.LimitExceeded, "pid 500");
    }

    [Test]
    public void A_dentry_name_length_of_0xffffffff_is_refused()
    {
        var dentry = _guest.Task(400).ExeDentry!.Value;
        _guest.WriteUInt32(_guest.Field(_guest.Field(dentry, "dentry", "d_name"), "qstr", "len"), uint.MaxValue);

        Fails(Introspect, IntrospectionFault.LimitExceeded, "pid 400", "4294967295");
    }

    [Test]
    public void A_dentry_name_holding_a_slash_is_refused()
    {
        // "s/hd" would let a forged dentry spell a path with more components than it has.
        var dentry = _guest.Task(400).ExeDentry!.Value;
        var name = _guest.ReadUInt64(_guest.Field(_guest.Field(dentry, "dentry", "d_name"), "qstr", "name"));
        _guest.Write(name - _guest.PageOffsetBase + 1, "/"u8);

        Fails(Introspect, IntrospectionFault.Inconsistent, "pid 400");
    }

    [Test]
    public void A_d_parent_cycle_ends_instead_of_climbing_forever()
    {
        var exe = _guest.Task(400).ExeDentry!.Value;
        var parent = Physical(_guest.ReadUInt64(_guest.Field(exe, "dentry", "d_parent")));
        _guest.WriteUInt64(_guest.Field(parent, "dentry", "d_parent"), _guest.DirectVirtual(exe));

        Fails(Introspect, [IntrospectionFault.Cycle, IntrospectionFault.LimitExceeded], "pid 400");
    }

    [Test]
    public void A_mount_cycle_ends_instead_of_climbing_forever()
    {
        // /opt/data is mounted inside /opt; mounting /opt on /opt/data/tools in turn leaves no way up to the root.
        // pid 500 runs from /opt, so its path is the first to climb into the loop.
        var dataMount = MountOf(_guest.Task(501).ExeFile!.Value);
        var tools = Physical(_guest.ReadUInt64(_guest.Field(_guest.Task(501).ExeDentry!.Value, "dentry", "d_parent")));
        var optMount = Physical(_guest.ReadUInt64(_guest.Field(dataMount, "mount", "mnt_parent")));
        _guest.WriteUInt64(_guest.Field(optMount, "mount", "mnt_parent"), _guest.DirectVirtual(dataMount));
        _guest.WriteUInt64(_guest.Field(optMount, "mount", "mnt_mountpoint"), _guest.DirectVirtual(tools));

        Fails(Introspect, [IntrospectionFault.Cycle, IntrospectionFault.LimitExceeded], "pid 500");
    }

    [Test]
    public void A_comm_without_nul_and_with_control_bytes_comes_back_bounded_and_escaped()
    {
        byte[] comm = [0x01, 0x1B, (byte)'[', (byte)'3', (byte)'1', (byte)'m', 0x7F, 0xFF, 0xFE, (byte)'\\', 0x0A, 0x0D, 0x9B, 0xC3, 0x28, 0x08];
        _guest.Write(_guest.Field(_guest.Task(400).Task, "task_struct", "comm"), comm);

        var process = new Introspector([_guest.Profile]).Introspect(_guest.Memory).Processes.Single(p => p.Pid == 400);

        Assert.That(process.Comm, Has.Length.InRange(1, 64));
        Assert.That(process.Comm.Any(char.IsControl), Is.False, process.Comm);
        Assert.That(process.Comm, Does.StartWith(@"\x01\x1b[31m"));
        Assert.That(process.ExePath, Is.EqualTo("/usr/sbin/sshd"), "the rest of the task is still read");
    }

    [Test]
    public void A_guest_with_less_ram_than_its_page_tables_map_is_refused()
    {
        var truncated = _guest.Memory.WithLimit(_guest.ObjectsStart);

        Fails(() => new Introspector([_guest.Profile]).Introspect(truncated), IntrospectionFault.Unmapped, "outside guest RAM");
    }

    [Test]
    public void Memory_without_any_banner_is_not_recognised()
    {
        Fails(
            () => new Introspector([_guest.Profile]).Introspect(new ArrayPhysicalMemory(64UL << 20)),
            IntrospectionFault.KernelNotRecognised,
            SyntheticProfile.Release);
    }

    [Test]
    public void A_kernel_whose_banner_was_overwritten_is_not_recognised()
    {
        _guest.Write(_guest.SymbolPhysical("linux_banner") + 14, "6.6.6"u8);

        Fails(Introspect, IntrospectionFault.KernelNotRecognised);
    }

    [Test]
    public void A_banner_with_the_wrong_phys_base_is_not_recognised()
    {
        var physBase = _guest.SymbolPhysical("phys_base");
        _guest.WriteUInt64(physBase, _guest.ReadUInt64(physBase) + 0x20_0000);

        Fails(Introspect, IntrospectionFault.KernelNotRecognised, "phys_base");
    }

    [Test]
    public void A_banner_planted_in_process_memory_is_not_taken_for_the_kernel()
    {
        // The real kernel still sits at its place; a copy of its banner 2 MiB-aligned below it must not win.
        var decoy = _guest.PhysicalBase - (2UL << 20);
        var bannerOffset = _guest.Profile.Symbols["linux_banner"] - _guest.Profile.Symbols["_text"];
        _guest.Write(decoy + bannerOffset, System.Text.Encoding.ASCII.GetBytes(SyntheticProfile.Banner + "\0"));

        var snapshot = new Introspector([_guest.Profile]).Introspect(_guest.Memory);

        Assert.That(snapshot.Kernel.PhysicalBase, Is.EqualTo(_guest.PhysicalBase));
    }

    [Test]
    public void A_one_millisecond_deadline_on_ten_thousand_processes_is_exceeded()
    {
        var guest = SyntheticLargeGuest.Instance;

        Fails(
            () => new Introspector([guest.Profile], IntrospectionLimits.Default with { Deadline = TimeSpan.FromMilliseconds(1) })
                .Introspect(guest.Memory),
            IntrospectionFault.DeadlineExceeded,
            "deadline");
    }

    private void Introspect() => Introspect(IntrospectionLimits.Default);

    private void Introspect(IntrospectionLimits limits) => new Introspector([_guest.Profile], limits).Introspect(_guest.Memory);

    private ulong TasksNode(int pid) => _guest.Field(_guest.Task(pid).Task, "task_struct", "tasks");

    private ulong TasksVirtual(int pid) => _guest.DirectVirtual(TasksNode(pid));

    private void WriteTasksNext(int pid, ulong next) => _guest.WriteUInt64(_guest.Field(TasksNode(pid), "list_head", "next"), next);

    private ulong Physical(ulong directVirtual) => directVirtual - _guest.PageOffsetBase;

    private ulong MountOf(ulong file)
    {
        var vfsmount = Physical(_guest.ReadUInt64(_guest.Field(_guest.Field(file, "file", "f_path"), "path", "mnt")));
        return vfsmount - _guest.Profile.Types["mount"].Fields["mnt"];
    }
}
