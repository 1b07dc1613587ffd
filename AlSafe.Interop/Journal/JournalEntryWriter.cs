using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace AlSafe.Interop.Journal;

/// <summary>
/// One journal entry in the native protocol's encoding, built field by field in a buffer rented from the shared pool:
/// <c>NAME=value\n</c>, or for a value that holds a newline <c>NAME\n</c>, its UTF-8 length as a little-endian 64-bit
/// integer, the bytes and <c>\n</c>. Values are written as UTF-8 straight from their characters or formatted into stack
/// memory, so adding a field allocates nothing once the buffer is large enough. Not thread-safe; dispose it to give
/// the buffer back.
/// </summary>
public sealed class JournalEntryWriter : IDisposable
{
    private const int InitialCapacity = 1024;
    private const int StackFormatLength = 128;

    private byte[] _buffer;
    private int _length;

    public JournalEntryWriter()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
    }

    /// <summary>The encoded entry so far, ready for <see cref="JournalSocket.Send"/>.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public int FieldCount { get; private set; }

    /// <summary>Fields refused because their name is not one journald accepts (see <see cref="JournalFieldName"/>):
    /// journald would drop them anyway, and a name it cannot parse could make it misread the fields after it.</summary>
    public int DroppedFieldCount { get; private set; }

    /// <summary>Adds a field; false, and nothing written, when <paramref name="name"/> is not a valid field name.
    /// Characters that are not valid UTF-16 (lone surrogates) are written as U+FFFD.</summary>
    public bool Add(ReadOnlySpan<char> name, ReadOnlySpan<char> value)
    {
        if (!JournalFieldName.IsValid(name))
        {
            DroppedFieldCount++;
            return false;
        }

        var byteCount = Encoding.UTF8.GetByteCount(value);
        var binary = value.Contains('\n');
        var span = Reserve(name.Length + (binary ? 1 + sizeof(ulong) : 1) + byteCount + 1);
        var position = Encoding.ASCII.GetBytes(name, span);
        if (binary)
        {
            span[position++] = (byte)'\n';
            BinaryPrimitives.WriteUInt64LittleEndian(span[position..], (ulong)byteCount);
            position += sizeof(ulong);
        }
        else
        {
            span[position++] = (byte)'=';
        }

        position += Encoding.UTF8.GetBytes(value, span[position..]);
        span[position++] = (byte)'\n';
        _length += position;
        FieldCount++;
        return true;
    }

    /// <summary>Adds a number, enum, address or other formattable value, formatted with <paramref name="format"/> and
    /// the invariant culture.</summary>
    public bool Add<T>(ReadOnlySpan<char> name, T value, ReadOnlySpan<char> format = default)
        where T : ISpanFormattable
    {
        Span<char> text = stackalloc char[StackFormatLength];
        return value.TryFormat(text, out var written, format, CultureInfo.InvariantCulture)
            ? Add(name, text[..written])
            : Add(name, value.ToString(format.IsEmpty ? null : format.ToString(), CultureInfo.InvariantCulture));
    }

    /// <summary>Empties the entry, keeping the buffer.</summary>
    public void Clear()
    {
        _length = 0;
        FieldCount = 0;
        DroppedFieldCount = 0;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Span<byte> Reserve(int count)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        var needed = (long)_length + count;
        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException($"a journal entry cannot exceed {Array.MaxLength} bytes");
        }

        if (needed > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _buffer.Length)));
            WrittenSpan.CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsSpan(_length, count);
    }
}
