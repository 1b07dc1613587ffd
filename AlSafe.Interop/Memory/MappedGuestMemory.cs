using System.IO.MemoryMappedFiles;
using AlSafe.Core.Introspection.Memory;

namespace AlSafe.Interop.Memory;

/// <summary>
/// Guest-physical memory read from a file mapped read-only into this process: QEMU's memory-backend-file RAM (live, as
/// the guest writes it), a raw RAM image, or an ELF core from QMP dump-guest-memory.
/// </summary>
/// <remarks>
/// <para>Reads are plain copies from the mapping, so a walk pays no system call per read. Concurrent reads are safe;
/// disposing while another thread reads is not, because the mapping goes away under it.</para>
/// <para>A mapped page beyond the end of its file raises SIGBUS, which the runtime cannot turn into an exception. So
/// every range of the layout is checked against the file's length at open, and a short file is refused then. A file
/// that shrinks after that would still fault: catching that would cost a system call per read, and only QEMU and host
/// root can write the file. QEMU never truncates its RAM backend while the guest lives, and a guest that gives memory
/// back (balloon, virtio-mem) punches holes, which read as zeros rather than fault. Deleting the file is harmless: the
/// mapping keeps the inode alive.</para>
/// </remarks>
public sealed unsafe class MappedGuestMemory : IPhysicalMemory, IDisposable
{
    private const string DefaultLayout = "q35";

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly ulong _mappedLength;
    private byte* _base;

    private MappedGuestMemory(string path, FileStream stream, PhysicalLayout layout)
    {
        var length = (ulong)stream.Length;
        foreach (var range in layout.Ranges)
        {
            if (range.Length > length || range.BackingOffset > length - range.Length)
            {
                throw new InvalidDataException(
                    $"{path} is {length} bytes (0x{length:x}) but guest-physical 0x{range.GuestStart:x}+0x{range.Length:x} " +
                    $"needs file bytes up to 0x{range.BackingOffset + range.Length:x}: the file is truncated or the layout is wrong");
            }
        }

        Path = path;
        Layout = layout;
        _mappedLength = length;
        _file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        try
        {
            _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _base = pointer + _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public PhysicalLayout Layout { get; }

    public ulong PhysicalLimit => Layout.PhysicalLimit;

    /// <summary>Maps guest RAM kept in a file that holds nothing else: QEMU's memory-backend-file or a raw image.</summary>
    /// <exception cref="InvalidDataException">The file is shorter than the layout says the RAM is.</exception>
    public static MappedGuestMemory OpenRam(string path, PhysicalLayout layout) => OpenWith(path, _ => layout);

    /// <summary>Maps an ELF core written by QMP dump-guest-memory with paging off; its PT_LOAD segments, keyed by
    /// physical address, are the layout.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed 64-bit little-endian ELF core.</exception>
    public static MappedGuestMemory OpenElfCore(string path) => OpenWith(path, stream => ElfCoreLayout.Read(stream, path));

    /// <summary>Maps an ELF core if the file starts like one, and otherwise raw RAM laid out by
    /// <paramref name="layoutSpec"/> as <see cref="PhysicalLayout.Parse"/> reads it, sized by the file's length.</summary>
    public static MappedGuestMemory Open(string path, string layoutSpec = DefaultLayout) =>
        OpenWith(path, stream => ElfCoreLayout.HasElfMagic(stream)
            ? ElfCoreLayout.Read(stream, path)
            : PhysicalLayout.Parse(layoutSpec, (ulong)stream.Length));

    public bool TryRead(ulong address, Span<byte> destination)
    {
        var source = _base;
        ObjectDisposedException.ThrowIf(source == null, this);

        // The layout was checked against the file at open; checking again here keeps a bad layout from ever reaching
        // past the mapping, for two compares.
        var length = (ulong)destination.Length;
        if (!Layout.TryMap(address, length, out var offset) || offset > _mappedLength || length > _mappedLength - offset)
        {
            return false;
        }

        new ReadOnlySpan<byte>(source + offset, destination.Length).CopyTo(destination);
        return true;
    }

    public void Dispose()
    {
        if (_base == null)
        {
            return;
        }

        _base = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    public override string ToString() => $"{Path} [{Layout}]";

    private static MappedGuestMemory OpenWith(string path, Func<FileStream, PhysicalLayout> layoutOf)
    {
        // QEMU keeps the file open for writing the whole time; sharing Delete lets it be unlinked while mapped.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        try
        {
            if (stream.Length == 0)
            {
                throw new InvalidDataException($"{path} is empty: there is no guest memory to map");
            }

            return new MappedGuestMemory(path, stream, layoutOf(stream));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}
