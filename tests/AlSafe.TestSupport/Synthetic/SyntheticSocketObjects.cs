namespace AlSafe.TestSupport.Synthetic;

/// <summary>Guest-physical addresses of the kernel objects behind one socket descriptor.</summary>
public sealed record SyntheticSocketObjects(int Fd, ulong File, ulong Socket, ulong Sock, ulong Inode);
