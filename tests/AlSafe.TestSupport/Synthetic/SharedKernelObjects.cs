namespace AlSafe.TestSupport.Synthetic;

/// <summary>Objects many processes point at, made once per image.</summary>
/// <param name="InitFiles">Physical address of init_files, the empty table kernel threads share.</param>
/// <param name="NullFile">Physical address of an open /dev/null, inherited as fds 0-2 by every process.</param>
/// <param name="SockfsMount">Virtual address of the sockfs vfsmount socket files live on.</param>
/// <param name="SockfsRoot">Physical address of the sockfs root dentry.</param>
internal sealed record SharedKernelObjects(ulong InitFiles, ulong NullFile, ulong SockfsMount, ulong SockfsRoot);
