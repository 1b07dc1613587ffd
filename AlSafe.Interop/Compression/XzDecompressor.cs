using System.Runtime.InteropServices;

namespace AlSafe.Interop.Compression;

/// <summary>
/// Decodes .xz streams with the system's liblzma, which every Debian system has (dpkg depends on it). Debian
/// compresses its kernel images, its packages' data members and Volatility's symbol tables with xz, and the BCL has
/// no LZMA2 decoder.
/// </summary>
public static unsafe partial class XzDecompressor
{
    private const string Library = "liblzma.so.5";
    private const int LzmaOk = 0;
    private const int LzmaStreamEnd = 1;
    private const int LzmaRun = 0;
    private const int LzmaFinish = 3;
    private const uint LzmaConcatenated = 0x08;

    /// <summary>Decodes the xz stream at the start of <paramref name="input"/>; bytes after its end are ignored, as
    /// they are after the payload of a bzImage.</summary>
    /// <param name="maxOutput">The most bytes the caller accepts: a bomb fails instead of exhausting memory.</param>
    /// <param name="concatenated">Decode back-to-back streams as one, as xz(1) does for .xz files.</param>
    /// <exception cref="InvalidDataException">The data is not xz, is corrupt, or decodes to more than maxOutput.</exception>
    public static byte[] Decompress(ReadOnlySpan<byte> input, long maxOutput, bool concatenated = false)
    {
        var stream = default(LzmaStream);
        var rc = lzma_stream_decoder(ref stream, ulong.MaxValue, concatenated ? LzmaConcatenated : 0);
        if (rc != LzmaOk)
        {
            throw new InvalidDataException($"liblzma refused to start a decoder (error {rc})");
        }

        try
        {
            var output = new MemoryStream();
            var buffer = new byte[1 << 20];
            fixed (byte* inPtr = input)
            fixed (byte* outPtr = buffer)
            {
                stream.NextIn = inPtr;
                stream.AvailIn = (nuint)input.Length;
                while (true)
                {
                    stream.NextOut = outPtr;
                    stream.AvailOut = (nuint)buffer.Length;
                    rc = lzma_code(ref stream, stream.AvailIn == 0 ? LzmaFinish : LzmaRun);
                    var produced = buffer.Length - (int)stream.AvailOut;
                    if (output.Length + produced > maxOutput)
                    {
                        throw new InvalidDataException($"xz data decodes to more than {maxOutput} bytes");
                    }

                    output.Write(buffer, 0, produced);
                    if (rc == LzmaStreamEnd)
                    {
                        return output.ToArray();
                    }

                    if (rc != LzmaOk)
                    {
                        throw new InvalidDataException($"xz data is corrupt or truncated ({Describe(rc)})");
                    }

                    if (stream.AvailIn == 0 && produced == 0)
                    {
                        throw new InvalidDataException("xz data ends before its stream does");
                    }
                }
            }
        }
        finally
        {
            lzma_end(ref stream);
        }
    }

    private static string Describe(int rc) => rc switch
    {
        5 => "out of memory",
        6 => "memory limit",
        7 => "not xz format",
        8 => "unsupported options",
        9 => "corrupt data",
        10 => "buffer error: input ended early",
        _ => $"liblzma error {rc}",
    };

    [LibraryImport(Library)]
    private static partial int lzma_stream_decoder(ref LzmaStream strm, ulong memlimit, uint flags);

    [LibraryImport(Library)]
    private static partial int lzma_code(ref LzmaStream strm, int action);

    [LibraryImport(Library)]
    private static partial void lzma_end(ref LzmaStream strm);

    /// <summary>lzma_stream from lzma/base.h; LZMA_STREAM_INIT is all zeroes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct LzmaStream
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
