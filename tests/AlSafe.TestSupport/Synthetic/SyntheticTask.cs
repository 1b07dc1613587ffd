namespace AlSafe.TestSupport.Synthetic;

/// <summary>Guest-physical addresses of the kernel objects behind one synthetic process, for tests that corrupt them.
/// Objects a kernel thread lacks are null; <see cref="Files"/> of a kernel thread is the shared init_files.</summary>
public sealed record SyntheticTask(
    int Pid,
    ulong Task,
    ulong Cred,
    ulong? Mm,
    ulong? ExeFile,
    ulong? ExeDentry,
    ulong Files,
    ulong FdTable,
    ulong FdArray,
    IReadOnlyList<SyntheticSocketObjects> Sockets);
