namespace AlSafe.TestSupport.Synthetic;

/// <summary>A thread-group leader to place on a synthetic task list.</summary>
/// <param name="Comm">The task name; like the kernel's set_task_comm, only its first 15 UTF-8 bytes are kept.</param>
public sealed record SyntheticProcess(int Pid, string Comm)
{
    public uint Uid { get; init; }

    /// <summary>Absolute path of mm->exe_file; null leaves exe_file NULL (always so for kernel threads).</summary>
    public string? ExePath { get; init; }

    public bool IsKernelThread { get; init; }

    /// <summary>The parent's pid; when null, 2 (kthreadd) for kernel threads and 1 (init) for processes, or 0
    /// (init_task) for pids 1 and 2 themselves.</summary>
    public int? ParentPid { get; init; }

    public IReadOnlyList<SyntheticSocket> Sockets { get; init; } = [];

    internal int EffectiveParentPid => ParentPid ?? (Pid is 1 or 2 ? 0 : IsKernelThread ? 2 : 1);
}
