using System.Buffers.Binary;
using System.Text;

namespace AlSafe.Core.Profiles.Btf;

/// <summary>
/// Reads the kernel's own type information, the .BTF section of vmlinux: struct sizes and member offsets without
/// debug packages. Types are indexed once (one offset per type id) and decoded on demand from the section bytes.
/// </summary>
public sealed class BtfReader
{
    private const ushort Magic = 0xEB9F;
    private const int TypeHeaderSize = 12;
    private const int MaxNesting = 32;

    private readonly ReadOnlyMemory<byte> _types;
    private readonly ReadOnlyMemory<byte> _strings;

    /// <summary>Offset into the type section of each type id; id 0 is void and has no entry of its own.</summary>
    private readonly int[] _offsets;

    /// <exception cref="InvalidDataException">The section is not BTF or is inconsistent.</exception>
    public BtfReader(ReadOnlyMemory<byte> section)
    {
        var s = section.Span;
        if (s.Length < 24 || BinaryPrimitives.ReadUInt16LittleEndian(s) != Magic)
        {
            throw new InvalidDataException(
                s.Length < 2 ? "the .BTF section is empty" : $"the .BTF section has magic 0x{BinaryPrimitives.ReadUInt16LittleEndian(s):x4}, not 0xeb9f (big-endian or not BTF)");
        }

        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(s[4..]);
        var typeOffset = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]);
        var typeLength = BinaryPrimitives.ReadUInt32LittleEndian(s[12..]);
        var stringOffset = BinaryPrimitives.ReadUInt32LittleEndian(s[16..]);
        var stringLength = BinaryPrimitives.ReadUInt32LittleEndian(s[20..]);
        _types = Part(section, headerLength, typeOffset, typeLength, "type");
        _strings = Part(section, headerLength, stringOffset, stringLength, "string");
        _offsets = IndexTypes(_types.Span);
    }

    /// <summary>The number of type ids, void (id 0) included.</summary>
    public int TypeCount => _offsets.Length;

    public BtfKind KindOf(int id) => id == 0 ? BtfKind.Unknown : Kind(Info(id));

    public string NameOf(int id) => id == 0 ? "" : Encoding.UTF8.GetString(NameBytes(Header(id)));

    /// <summary>Finds the first complete struct of each of <paramref name="names"/> in one pass over the types.</summary>
    public IReadOnlyDictionary<string, int> FindStructs(IEnumerable<string> names)
    {
        var wanted = names.Distinct(StringComparer.Ordinal).Select(n => (Name: n, Bytes: Encoding.UTF8.GetBytes(n))).ToArray();
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var id = 1; id < _offsets.Length && found.Count < wanted.Length; id++)
        {
            var header = Header(id);
            if (Kind(Info(header)) != BtfKind.Struct)
            {
                continue;
            }

            var name = NameBytes(header);
            foreach (var (text, bytes) in wanted)
            {
                if (name.SequenceEqual(bytes))
                {
                    found.TryAdd(text, id);
                }
            }
        }

        return found;
    }

    /// <summary>The size and member byte offsets of struct or union <paramref name="id"/>. Members of anonymous
    /// struct and union members are listed as members of this one, at their accumulated offsets, as C names them.
    /// Bitfields are given the offset of the byte holding their first bit, and are listed with their bits in
    /// <see cref="StructLayout.BitFields"/> too.</summary>
    public StructLayout Layout(int id)
    {
        var header = Header(id);
        var kind = Kind(Info(header));
        if (kind is not (BtfKind.Struct or BtfKind.Union))
        {
            throw new InvalidDataException($"BTF type {id} is a {kind}, not a struct or union");
        }

        var fields = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var bitFields = new Dictionary<string, BitField>(StringComparer.Ordinal);
        AddMembers(id, 0, fields, bitFields, 0);
        return new StructLayout(BinaryPrimitives.ReadUInt32LittleEndian(header[8..]), fields) { BitFields = bitFields };
    }

    private void AddMembers(int id, ulong baseBits, Dictionary<string, ulong> fields, Dictionary<string, BitField> bitFields, int depth)
    {
        if (depth > MaxNesting)
        {
            throw new InvalidDataException($"BTF type {id} nests anonymous members more than {MaxNesting} deep");
        }

        var header = Header(id);
        var info = Info(header);
        var bitfieldEncoding = (info & 0x8000_0000) != 0;
        var members = Data(id, header);
        for (var i = 0; i < Vlen(info); i++)
        {
            var m = members.Slice(i * 12, 12);
            var nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(m);
            var type = (int)BinaryPrimitives.ReadUInt32LittleEndian(m[4..]);
            var rawOffset = BinaryPrimitives.ReadUInt32LittleEndian(m[8..]);
            var bits = baseBits + (bitfieldEncoding ? rawOffset & 0x00FF_FFFF : rawOffset);
            if (nameOffset != 0)
            {
                var name = Encoding.UTF8.GetString(String(nameOffset));
                var bitField = bitfieldEncoding ? (int)(rawOffset >> 24) : 0;
                if (!bitfieldEncoding && IntBitField(StripModifiers(type)) is (var intOffset, var intBits))
                {
                    bits += intOffset;
                    bitField = intBits;
                }

                fields.TryAdd(name, bits / 8);
                if (bitField != 0)
                {
                    bitFields.TryAdd(name, new BitField(bits, bitField));
                }

                continue;
            }

            var target = StripModifiers(type);
            if (KindOf(target) is BtfKind.Struct or BtfKind.Union)
            {
                AddMembers(target, bits, fields, bitFields, depth + 1);
            }
        }
    }

    /// <summary>
    /// Without the struct's kind_flag, a bitfield is told by its int type instead: one narrower than its size, or
    /// starting past its first bit (BTF_INT_OFFSET, BTF_INT_BITS), is a bitfield of those bits. Null for any other type.
    /// </summary>
    private (ulong Offset, int Bits)? IntBitField(int id)
    {
        if (id == 0 || KindOf(id) != BtfKind.Int)
        {
            return null;
        }

        var header = Header(id);
        var encoding = BinaryPrimitives.ReadUInt32LittleEndian(Data(id, header));
        var offset = (encoding >> 16) & 0xff;
        var bits = (int)(encoding & 0xff);
        return offset != 0 || (ulong)bits != 8UL * BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) ? (offset, bits) : null;
    }

    /// <summary>Follows typedefs and qualifiers to the type they name.</summary>
    private int StripModifiers(int id)
    {
        for (var hops = 0; hops < MaxNesting && id != 0; hops++)
        {
            var header = Header(id);
            if (Kind(Info(header)) is not (BtfKind.Typedef or BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag))
            {
                return id;
            }

            id = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        }

        return id;
    }

    private ReadOnlySpan<byte> Header(int id)
    {
        if (id <= 0 || id >= _offsets.Length)
        {
            throw new InvalidDataException($"BTF type id {id} is out of range (1..{_offsets.Length - 1})");
        }

        return _types.Span.Slice(_offsets[id], TypeHeaderSize);
    }

    private uint Info(int id) => Info(Header(id));

    private ReadOnlySpan<byte> Data(int id, ReadOnlySpan<byte> header) =>
        _types.Span.Slice(_offsets[id] + TypeHeaderSize, DataSize(Kind(Info(header)), Vlen(Info(header)), id));

    private ReadOnlySpan<byte> NameBytes(ReadOnlySpan<byte> header) => String(BinaryPrimitives.ReadUInt32LittleEndian(header));

    private ReadOnlySpan<byte> String(uint offset)
    {
        var strings = _strings.Span;
        if (offset >= strings.Length)
        {
            throw new InvalidDataException($"BTF string offset {offset} is past the {strings.Length}-byte string section");
        }

        var s = strings[(int)offset..];
        var end = s.IndexOf((byte)0);
        return end < 0 ? throw new InvalidDataException($"BTF string at {offset} is not terminated") : s[..end];
    }

    private static uint Info(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);

    private static BtfKind Kind(uint info) => (BtfKind)((info >> 24) & 0x1f);

    private static int Vlen(uint info) => (int)(info & 0xffff);

    /// <summary>The bytes that follow a type's header: every kind must be sized, or the ids of the types after it
    /// would drift.</summary>
    private static int DataSize(BtfKind kind, int vlen, int id) => kind switch
    {
        BtfKind.Int or BtfKind.Variable or BtfKind.DeclarationTag => 4,
        BtfKind.Pointer or BtfKind.Forward or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
            or BtfKind.Function or BtfKind.Float or BtfKind.TypeTag => 0,
        BtfKind.Array => 12,
        BtfKind.Struct or BtfKind.Union or BtfKind.DataSection or BtfKind.Enum64 => 12 * vlen,
        BtfKind.Enum or BtfKind.FunctionPrototype => 8 * vlen,
        _ => throw new InvalidDataException($"BTF type {id} has unknown kind {(int)kind}: newer BTF than this reader knows"),
    };

    private static int[] IndexTypes(ReadOnlySpan<byte> types)
    {
        var count = 1;
        for (var at = 0; at < types.Length; count++)
        {
            at = Next(types, at, count);
        }

        var offsets = new int[count];
        var position = 0;
        for (var id = 1; id < count; id++)
        {
            offsets[id] = position;
            position = Next(types, position, id);
        }

        return offsets;
    }

    private static int Next(ReadOnlySpan<byte> types, int at, int id)
    {
        if (types.Length - at < TypeHeaderSize)
        {
            throw new InvalidDataException($"BTF type {id} is cut off at the end of the type section");
        }

        var info = Info(types.Slice(at, TypeHeaderSize));
        var next = at + TypeHeaderSize + DataSize(Kind(info), Vlen(info), id);
        return next <= types.Length ? next : throw new InvalidDataException($"BTF type {id} runs past the end of the type section");
    }

    private static ReadOnlyMemory<byte> Part(ReadOnlyMemory<byte> section, uint headerLength, uint offset, uint length, string what)
    {
        var start = (ulong)headerLength + offset;
        if (start > (ulong)section.Length || length > (ulong)section.Length - start)
        {
            throw new InvalidDataException($"the BTF {what} section ({length} bytes at {start}) lies past the {section.Length}-byte .BTF section");
        }

        return section.Slice((int)start, (int)length);
    }
}
