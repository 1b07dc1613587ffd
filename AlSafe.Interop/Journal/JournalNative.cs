using System.Runtime.InteropServices;

namespace AlSafe.Interop.Journal;

/// <summary>The libc calls behind the memfd path of the native journal protocol, with the 64-bit Linux layouts of
/// struct msghdr and of one SCM_RIGHTS control message; .NET sockets cannot attach file descriptors.</summary>
internal static unsafe partial class JournalNative
{
    public const uint MfdCloexec = 0x1;
    public const uint MfdAllowSealing = 0x2;

    public const int FAddSeals = 1033;

    /// <summary>F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE: journald maps a memfd only when it can no
    /// longer change under it, and the sender must not be able to undo the seals either.</summary>
    public const int AllSeals = 0x1 | 0x2 | 0x4 | 0x8;

    public const int SolSocket = 1;
    public const int ScmRights = 1;
    public const int MsgNoSignal = 0x4000;

    /// <summary>CMSG_LEN(sizeof(int)): the 16-byte cmsghdr and one descriptor.</summary>
    public const int RightsControlLength = 16 + sizeof(int);

    /// <summary>CMSG_SPACE(sizeof(int)): the same, padded to the 8-byte alignment of the next header.</summary>
    public const int RightsControlSpace = 24;

    private const string Libc = "libc";

    [LibraryImport(Libc, EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MemfdCreate(string name, uint flags);

    /// <summary>fcntl is variadic; one int argument is passed the same way as a fixed one on the 64-bit Linux ABIs.</summary>
    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(SafeHandle fd, int command, int argument);

    [LibraryImport(Libc, EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMessage(SafeHandle socket, MessageHeader* message, int flags);

    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public void* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }
}
