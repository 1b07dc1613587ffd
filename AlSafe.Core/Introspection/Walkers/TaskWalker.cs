using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Introspection.Walkers;

/// <summary>
/// Walks init_task.tasks, the list of thread-group leaders, and reads each one's identity, executable and sockets.
/// The walk is bounded by <see cref="IntrospectionLimits.MaxTasks"/>, detects cycles, and checks every back link so
/// that a list being changed under a live read, or forged, is noticed instead of followed.
/// </summary>
public sealed class TaskWalker
{
    private const uint PfKthread = 0x0020_0000;
    private const int CommLength = 16;

    private readonly GuestReader _reader;
    private readonly KernelOffsets _o;
    private readonly IntrospectionLimits _limits;
    private readonly FileTableWalker _files;
    private readonly DentryPathResolver _paths;

    public TaskWalker(GuestReader reader, KernelOffsets offsets, IntrospectionLimits limits, ulong socketFileOps)
    {
        _reader = reader;
        _o = offsets;
        _limits = limits;
        _files = new FileTableWalker(reader, offsets, limits, socketFileOps);
        _paths = new DentryPathResolver(reader, offsets, limits);
    }

    /// <summary>Every task on the list after <paramref name="initTask"/> (the idle task itself is not a process).</summary>
    public IReadOnlyList<GuestProcess> Walk(ulong initTask)
    {
        var head = initTask + _o.TaskTasks;
        var processes = new List<GuestProcess>();
        var seen = new HashSet<ulong> { head };
        var previous = head;
        var node = _reader.Pointer(head + _o.ListNext, "init_task.tasks.next");
        while (node != head)
        {
            _reader.Deadline.Check("walking the task list");
            if (processes.Count >= _limits.MaxTasks)
            {
                throw new IntrospectionException(
                    IntrospectionFault.LimitExceeded, $"task list is longer than {_limits.MaxTasks} entries");
            }

            if (!seen.Add(node))
            {
                throw new IntrospectionException(
                    IntrospectionFault.Cycle, $"task list loops back to 0x{node:x} after {processes.Count} tasks");
            }

            var back = _reader.Pointer(node + _o.ListPrev, "task_struct.tasks.prev");
            if (back != previous)
            {
                throw new IntrospectionException(
                    IntrospectionFault.Inconsistent,
                    $"task list link broken at 0x{node:x}: prev is 0x{back:x}, expected 0x{previous:x}");
            }

            processes.Add(ReadTask(node - _o.TaskTasks));
            previous = node;
            node = _reader.Pointer(node + _o.ListNext, "task_struct.tasks.next");
        }

        return processes;
    }

    private GuestProcess ReadTask(ulong task)
    {
        var pid = (int)_reader.U32(task + _o.TaskPid, "task_struct.pid");
        try
        {
            var tgid = (int)_reader.U32(task + _o.TaskTgid, "task_struct.tgid");
            Span<byte> comm = stackalloc byte[CommLength];
            _reader.Read(task + _o.TaskComm, comm, "task_struct.comm");
            var flags = _reader.U32(task + _o.TaskFlags, "task_struct.flags");
            var parent = _reader.Pointer(task + _o.TaskRealParent, "task_struct.real_parent");
            var parentPid = (int)_reader.U32(parent + _o.TaskTgid, "real_parent.tgid");
            var cred = _reader.Pointer(task + _o.TaskRealCred, "task_struct.real_cred");
            var uid = _reader.U32(cred + _o.CredUid, "cred.uid");

            string? exe = null;
            var mm = _reader.OptionalPointer(task + _o.TaskMm, "task_struct.mm");
            if (mm != 0 && _reader.OptionalPointer(mm + _o.MmExeFile, "mm_struct.exe_file") is var exeFile and not 0)
            {
                exe = _paths.Resolve(exeFile + _o.FilePath);
            }

            IReadOnlyList<GuestSocket> sockets = [];
            var other = 0;
            if (_reader.OptionalPointer(task + _o.TaskFiles, "task_struct.files") is var files and not 0)
            {
                (sockets, other) = _files.Walk(files);
            }

            return new GuestProcess(
                pid, tgid, parentPid, GuestText.FromCString(comm), uid, exe, (flags & PfKthread) != 0, sockets, other);
        }
        catch (IntrospectionException e)
        {
            throw new IntrospectionException(e.Fault, $"pid {pid} (task 0x{task:x}): {e.Message}", e);
        }
    }
}
