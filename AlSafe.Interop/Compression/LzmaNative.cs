using System.Runtime.InteropServices;

namespace AlSafe.Interop.Compression;

/// <summary>The few liblzma entry points the xz decoder needs, and lzma_stream as lzma/base.h lays it out.</summary>
internal static unsafe partial class LzmaNative
{
    public const int Ok = 0;
    public const int StreamEnd = 1;
    public const int Run = 0;
    public const int Finish = 3;
    public const uint Concatenated = 0x08;

    private const string Library = "liblzma.so.5";

    [LibraryImport(Library, EntryPoint = "lzma_stream_decoder")]
    public static partial int StreamDecoder(ref Stream strm, ulong memlimit, uint flags);

    [LibraryImport(Library, EntryPoint = "lzma_code")]
    public static partial int Code(ref Stream strm, int action);

    [LibraryImport(Library, EntryPoint = "lzma_end")]
    public static partial void End(ref Stream strm);

    public static string Describe(int rc) => rc switch
    {
        5 => "out of memory",
        6 => "memory limit",
        7 => "not xz format",
        8 => "unsupported options",
        9 => "corrupt data",
        10 => "buffer error: input ended early",
        _ => $"liblzma error {rc}",
    };

    /// <summary>lzma_stream; LZMA_STREAM_INIT is all zeroes. liblzma keeps no pointer to it between calls, so it may
    /// live in a movable object and be passed by ref.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Stream
    {
        public byte* NextIn;
        public nuint AvailIn;
        public ulong TotalIn;
        public byte* NextOut;
        public nuint AvailOut;
        public ulong TotalOut;
        public nint Allocator;
        public nint Internal;
        public nint ReservedPtr1;
        public nint ReservedPtr2;
        public nint ReservedPtr3;
        public nint ReservedPtr4;
        public ulong SeekPos;
        public ulong ReservedInt2;
        public nuint ReservedInt3;
        public nuint ReservedInt4;
        public int ReservedEnum1;
        public int ReservedEnum2;
    }
}
