using System.Buffers;

namespace AlSafe.Interop.Compression;

/// <summary>
/// A read-only stream of the data decoded from an in-memory .xz stream, decoded as it is read, so a reader that
/// needs only the start of a large archive (the ./boot of a kernel package's 400 MB data.tar) stops paying there.
/// </summary>
public sealed unsafe class XzDecompressionStream : Stream
{
    private readonly long _maxOutput;
    private MemoryHandle _pin;
    private LzmaNative.Stream _lzma;
    private long _produced;
    private bool _ended;
    private bool _disposed;

    /// <param name="input">The xz data; bytes after the end of its stream are ignored (as after a bzImage payload).</param>
    /// <param name="maxOutput">The most bytes the reader accepts: a bomb fails instead of exhausting memory.</param>
    /// <param name="concatenated">Decode back-to-back streams as one, as xz(1) does for .xz files.</param>
    public XzDecompressionStream(ReadOnlyMemory<byte> input, long maxOutput, bool concatenated = false)
    {
        _maxOutput = maxOutput;
        var rc = LzmaNative.StreamDecoder(ref _lzma, ulong.MaxValue, concatenated ? LzmaNative.Concatenated : 0);
        if (rc != LzmaNative.Ok)
        {
            throw new InvalidDataException($"liblzma refused to start a decoder ({LzmaNative.Describe(rc)})");
        }

        _pin = input.Pin();
        _lzma.NextIn = (byte*)_pin.Pointer;
        _lzma.AvailIn = (nuint)input.Length;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _produced;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <exception cref="InvalidDataException">The data is corrupt or truncated, or decodes past maxOutput.</exception>
    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_ended || buffer.IsEmpty)
        {
            return 0;
        }

        fixed (byte* outPtr = buffer)
        {
            _lzma.NextOut = outPtr;
            _lzma.AvailOut = (nuint)buffer.Length;
            while (true)
            {
                var rc = LzmaNative.Code(ref _lzma, _lzma.AvailIn == 0 ? LzmaNative.Finish : LzmaNative.Run);
                var produced = buffer.Length - (int)_lzma.AvailOut;
                if (rc == LzmaNative.StreamEnd)
                {
                    _ended = true;
                }
                else if (rc != LzmaNative.Ok)
                {
                    throw new InvalidDataException($"xz data is corrupt or truncated ({LzmaNative.Describe(rc)})");
                }
                else if (produced == 0 && _lzma.AvailIn == 0)
                {
                    throw new InvalidDataException("xz data ends before its stream does");
                }

                if (produced > 0 || _ended)
                {
                    _produced += produced;
                    if (_produced > _maxOutput)
                    {
                        throw new InvalidDataException($"xz data decodes to more than {_maxOutput} bytes");
                    }

                    return produced;
                }
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            LzmaNative.End(ref _lzma);
            _pin.Dispose();
        }

        base.Dispose(disposing);
    }
}
