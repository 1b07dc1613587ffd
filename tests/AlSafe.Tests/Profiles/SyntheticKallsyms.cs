using System.Buffers.Binary;
using System.Text;

namespace AlSafe.Tests.Profiles;

/// <summary>
/// Writes a .rodata holding kallsyms tables the way scripts/kallsyms.c lays them out (8-byte aligned, zero padded),
/// with a small token table: every printable character is its own token and a few pairs take unused codes.
/// </summary>
internal static class SyntheticKallsyms
{
    public const ulong Text = 0xffffffff_81000000;

    private static readonly string[] PairTokens = ["_t", "in", "it", "sy", "m_", "nu", "x_"];

    /// <summary>The symbols written: two per-cpu ones (absolute), then kernel ones, among them a name long enough
    /// that its length takes two bytes.</summary>
    public static IReadOnlyList<(char Type, string Name, ulong Address)> Symbols { get; } = MakeSymbols();

    public static byte[] Build(KallsymsLayout layout)
    {
        var tokens = new string[256];
        for (var c = 0; c < 256; c++)
        {
            tokens[c] = c is > 0x20 and < 0x7f ? ((char)c).ToString() : "";
        }

        for (var i = 0; i < PairTokens.Length; i++)
        {
            tokens[0x80 + i] = PairTokens[i];
        }

        var names = new MemoryStream();
        var markers = new List<uint>();
        for (var i = 0; i < Symbols.Count; i++)
        {
            if (i % 256 == 0)
            {
                markers.Add((uint)names.Length);
            }

            var encoded = Encode(Symbols[i].Type + Symbols[i].Name);
            if (encoded.Length < 0x80)
            {
                names.WriteByte((byte)encoded.Length);
            }
            else
            {
                names.WriteByte((byte)((encoded.Length & 0x7f) | 0x80));
                names.WriteByte((byte)(encoded.Length >> 7));
            }

            names.Write(encoded);
        }

        var rodata = new Writer();
        rodata.Junk(4000);
        if (layout != KallsymsLayout.From64)
        {
            WriteAddresses(rodata);
        }

        rodata.Align();
        rodata.U32((uint)Symbols.Count);
        rodata.Align();
        rodata.Bytes(names.ToArray());
        rodata.Align();
        foreach (var m in markers)
        {
            rodata.U32(m);
        }

        if (layout is KallsymsLayout.Seqs4Bytes or KallsymsLayout.Seqs3Bytes)
        {
            WriteSeqs(rodata, layout == KallsymsLayout.Seqs4Bytes ? 4 : 3);
        }

        rodata.Align();
        var index = new List<ushort>();
        var tableStart = rodata.Length;
        foreach (var t in tokens)
        {
            index.Add((ushort)(rodata.Length - tableStart));
            rodata.Bytes(Encoding.ASCII.GetBytes(t + "\0"));
        }

        rodata.Align();
        foreach (var i in index)
        {
            rodata.U16(i);
        }

        if (layout == KallsymsLayout.From64)
        {
            WriteAddresses(rodata);
            WriteSeqs(rodata, 3);
        }

        rodata.Junk(3000);
        return rodata.ToArray();
    }

    private static byte[] Encode(string symbol)
    {
        var codes = new List<byte>();
        for (var i = 0; i < symbol.Length; i++)
        {
            var pair = i + 1 < symbol.Length ? Array.IndexOf(PairTokens, symbol.Substring(i, 2)) : -1;
            if (pair >= 0)
            {
                codes.Add((byte)(0x80 + pair));
                i++;
            }
            else
            {
                codes.Add((byte)symbol[i]);
            }
        }

        return [.. codes];
    }

    private static void WriteAddresses(Writer rodata)
    {
        rodata.Align();
        foreach (var (_, _, address) in Symbols)
        {
            // ABSOLUTE_PERCPU: per-cpu addresses as they are, kernel ones as (base - address - 1), negative.
            rodata.U32(address < Text ? (uint)address : (uint)(int)(long)(Text - address - 1));
        }

        rodata.Align();
        rodata.U64(Text);
    }

    private static void WriteSeqs(Writer rodata, int width)
    {
        rodata.Align();
        var byName = Enumerable.Range(0, Symbols.Count).OrderBy(i => Symbols[i].Name, StringComparer.Ordinal);
        foreach (var seq in byName)
        {
            if (width == 4)
            {
                rodata.U32((uint)seq);
            }
            else
            {
                rodata.Bytes([(byte)(seq >> 16), (byte)(seq >> 8), (byte)seq]);
            }
        }
    }

    private static List<(char, string, ulong)> MakeSymbols()
    {
        var symbols = new List<(char, string, ulong)>
        {
            ('A', "fixed_percpu_data", 0),
            ('A', "cpu_number", 0x2000),
            ('T', "_text", Text),
            ('T', "startup_64", Text),
        };
        for (var i = 0; i < 600; i++)
        {
            symbols.Add((i % 2 == 0 ? 't' : 'T', $"sym_{i:d4}_x{i * 7}", Text + 0x100 + (ulong)i * 0x40));
        }

        symbols.Add(('T', "rust_" + new string('q', 300), Text + 0x100000));
        symbols.Add(('D', "linux_banner", Text + 0x1161900));
        symbols.Add(('D', "init_task", Text + 0x1a1aa40));
        return symbols;
    }

    private sealed class Writer
    {
        private readonly MemoryStream _s = new();
        private readonly Random _random = new(1);

        public int Length => (int)_s.Length;

        public void Align()
        {
            while (_s.Length % 8 != 0)
            {
                _s.WriteByte(0);
            }
        }

        /// <summary>Unrelated read-only data, free of NUL so it cannot look like tables.</summary>
        public void Junk(int length)
        {
            for (var i = 0; i < length; i++)
            {
                _s.WriteByte((byte)_random.Next(1, 256));
            }
        }

        public void Bytes(ReadOnlySpan<byte> b) => _s.Write(b);

        public void U16(ushort v)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, v);
            _s.Write(b);
        }

        public void U32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            _s.Write(b);
        }

        public void U64(ulong v)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(b, v);
            _s.Write(b);
        }

        public byte[] ToArray() => _s.ToArray();
    }
}
