using System.Buffers.Binary;
using System.Text;
using AlSafe.Core.Profiles.Btf;

namespace AlSafe.Tests.Profiles;

/// <summary>Writes small .BTF sections by hand, so that the reader can be tested on every kind and encoding.</summary>
internal sealed class BtfBlob
{
    private readonly List<uint> _types = [];
    private readonly MemoryStream _strings = new();
    private int _count;

    public BtfBlob() => _strings.WriteByte(0);

    public uint Name(string name)
    {
        if (name.Length == 0)
        {
            return 0;
        }

        var offset = (uint)_strings.Length;
        _strings.Write(Encoding.UTF8.GetBytes(name + "\0"));
        return offset;
    }

    /// <summary>Adds a type and returns its id; <paramref name="data"/> is what follows the 12-byte header.</summary>
    public int Add(BtfKind kind, string name, int vlen, uint sizeOrType, bool kindFlag = false, params uint[] data)
    {
        _types.Add(Name(name));
        _types.Add((uint)vlen | ((uint)kind << 24) | (kindFlag ? 0x8000_0000 : 0));
        _types.Add(sizeOrType);
        _types.AddRange(data);
        return ++_count;
    }

    public byte[] ToArray(ushort magic = 0xEB9F)
    {
        var strings = _strings.ToArray();
        var blob = new byte[24 + 4 * _types.Count + strings.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(blob, magic);
        blob[2] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(4), 24);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(12), (uint)(4 * _types.Count));
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(16), (uint)(4 * _types.Count));
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(20), (uint)strings.Length);
        for (var i = 0; i < _types.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(24 + 4 * i), _types[i]);
        }

        strings.CopyTo(blob, 24 + 4 * _types.Count);
        return blob;
    }
}
