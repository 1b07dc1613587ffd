using System.Text;

namespace AlSafe.TestSupport.Synthetic;

/// <summary>
/// Lays out a whole guest: the kernel image with its globals and init_task at the physical base, page tables right
/// after it, then every process's objects in slab-like memory reached through the direct map.
/// </summary>
internal static class SyntheticImageComposer
{
    /// <summary>Address space the sparse memory reserves; only written chunks cost anything.</summary>
    private const ulong Capacity = 4UL << 30;

    private const ulong PageTableArea = 2UL << 20;

    public static SyntheticGuest Compose(
        SyntheticGuestOptions options, IReadOnlyList<SyntheticProcess> processes, IReadOnlyList<string> mountPoints)
    {
        var profile = SyntheticProfile.Create(options.WithFiveLevelSymbol);
        var memory = new ArrayPhysicalMemory(Capacity);
        var writer = new KernelObjectWriter(memory, profile);
        var space = new GuestAddressSpace(profile, options.PhysicalBase, options.Slide, options.PageOffsetBase);
        var imageEnd = options.PhysicalBase + SyntheticProfile.ImageSize;
        var tables = new PhysicalAllocator(imageEnd, imageEnd + PageTableArea);
        var heap = new PhysicalAllocator(imageEnd + PageTableArea, Capacity);

        WriteGlobals(writer, space, options);
        var mounts = new MountTree(writer, heap, space);
        foreach (var point in mountPoints.OrderBy(p => p.Count(c => c == '/')))
        {
            mounts.Mount(point);
        }

        var files = new FileObjectsWriter(writer, heap, space);
        var objects = new ProcessObjectsWriter(writer, heap, space, mounts, files, Shared(writer, heap, space, mounts, files));
        var initTask = space.SymbolPhysical("init_task");
        WriteInitTask(writer, space, initTask);

        var taskAddresses = processes.ToDictionary(p => p.Pid, _ => heap.Allocate(writer.SizeOf("task_struct"), 64));
        ulong VirtualOfTask(int pid) => pid == 0 ? space.ImageVirtual(initTask) : space.DirectVirtual(taskAddresses[pid]);
        var tasks = processes.Select(p => objects.Write(p, taskAddresses[p.Pid], VirtualOfTask(p.EffectiveParentPid))).ToArray();

        var ring = processes
            .Select(p => (Physical: taskAddresses[p.Pid], Virtual: space.DirectVirtual(taskAddresses[p.Pid])))
            .Prepend((initTask, space.ImageVirtual(initTask)))
            .ToArray();
        LinkTasks(writer, ring);

        var limit = PhysicalAllocator.AlignUp(heap.End, PageTableWriter.Size2MiB);
        MapMemory(new PageTableWriter(writer, space.SymbolPhysical("init_top_pgt"), options.PagingLevels, tables), space, options, limit);
        return new SyntheticGuest(memory.WithLimit(limit), profile, space, options.PagingLevels, heap.Start, heap.End, tasks);
    }

    private static void WriteGlobals(KernelObjectWriter writer, GuestAddressSpace space, SyntheticGuestOptions options)
    {
        writer.Memory.Write(space.SymbolPhysical("linux_banner"), Encoding.ASCII.GetBytes(SyntheticProfile.Banner + "\0"));
        writer.U64(space.SymbolPhysical("page_offset_base"), options.PageOffsetBase);
        writer.U64(space.SymbolPhysical("phys_base"), space.PhysBase);
        if (options.WithFiveLevelSymbol)
        {
            writer.U32(space.SymbolPhysical("__pgtable_l5_enabled"), options.PagingLevels == 5 ? 1u : 0u);
        }
    }

    private static SharedKernelObjects Shared(
        KernelObjectWriter writer, PhysicalAllocator heap, GuestAddressSpace space, MountTree mounts, FileObjectsWriter files)
    {
        var initFiles = space.SymbolPhysical("init_files");
        files.WriteEmbeddedTable(initFiles, space.ImageVirtual);
        var (sockfsMount, sockfsRoot) = mounts.Detached();
        var (devMount, devNull) = mounts.Resolve("/dev/null");
        var nullInode = heap.Allocate(writer.SizeOf("inode"), 64);
        writer.U64(nullInode, "inode", "i_ino", 5);
        var nullFile = files.NewFile(devMount, devNull, space.SymbolRuntime("null_fops"), nullInode);
        return new SharedKernelObjects(initFiles, nullFile, sockfsMount, sockfsRoot);
    }

    /// <summary>init_task is the idle task: pid 0, its own parent, a kernel thread without mm, on the image mapping.</summary>
    private static void WriteInitTask(KernelObjectWriter writer, GuestAddressSpace space, ulong initTask)
    {
        var self = space.ImageVirtual(initTask);
        writer.Bytes(initTask, "task_struct", "comm", "swapper/0\0"u8);
        writer.U32(initTask, "task_struct", "flags", ProcessObjectsWriter.PfKthread | 0x2);
        writer.U64(initTask, "task_struct", "real_parent", self);
        writer.U64(initTask, "task_struct", "group_leader", self);
        writer.U64(initTask, "task_struct", "files", space.SymbolRuntime("init_files"));
        writer.U64(initTask, "task_struct", "real_cred", space.SymbolRuntime("init_cred"));
    }

    /// <summary>Chains task_struct.tasks in creation order, as list_add_tail_rcu on init_task.tasks leaves it.</summary>
    private static void LinkTasks(KernelObjectWriter writer, (ulong Physical, ulong Virtual)[] ring)
    {
        var tasksOffset = writer.Offset("task_struct", "tasks");
        for (var i = 0; i < ring.Length; i++)
        {
            var node = ring[i].Physical + tasksOffset;
            writer.U64(node, "list_head", "next", ring[(i + 1) % ring.Length].Virtual + tasksOffset);
            writer.U64(node, "list_head", "prev", ring[(i + ring.Length - 1) % ring.Length].Virtual + tasksOffset);
        }
    }

    /// <summary>The image with 2 MiB pages, as head_64.S maps it, and all of RAM in the direct map with NX set.</summary>
    private static void MapMemory(PageTableWriter pages, GuestAddressSpace space, SyntheticGuestOptions options, ulong limit)
    {
        var text = space.SymbolRuntime("_text");
        for (ulong offset = 0; offset < SyntheticProfile.ImageSize; offset += PageTableWriter.Size2MiB)
        {
            pages.Map(text + offset, space.PhysicalBase + offset, PageTableWriter.Size2MiB, noExecute: false);
        }

        var step = options.DirectMapPageSize;
        for (ulong physical = 0; physical < limit; physical += step)
        {
            pages.Map(space.DirectVirtual(physical), physical, step, noExecute: true);
        }
    }
}
