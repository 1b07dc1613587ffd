using System.Buffers.Binary;
using System.Text;

namespace AlSafe.Core.Profiles.Kallsyms;

/// <summary>
/// Recovers symbol names and link-time addresses from the kallsyms tables that scripts/kallsyms.c emits into a
/// kernel's .rodata (CONFIG_KALLSYMS_BASE_RELATIVE). Distribution kernels ship no usable System.map, but every
/// image carries these tables; they are found by their structure, not by symbols. Three layouts are understood:
/// <list type="bullet">
/// <item>up to 6.1: offsets, relative_base, num_syms, names, markers, token_table, token_index;</item>
/// <item>6.2 and 6.3: the same with seqs_of_names (4, later 3 bytes a symbol) between markers and token_table;</item>
/// <item>6.4 on: num_syms, names, markers, token_table, token_index, offsets, relative_base, seqs_of_names.</item>
/// </list>
/// Every table starts 8-byte aligned, so the span given must start at an 8-byte aligned address (as .rodata does).
/// </summary>
public static class KallsymsDecoder
{
    private const int Alignment = 8;
    private const int TokenCount = 256;
    private const int SymbolsPerMarker = 256;

    /// <summary>How far before the last block of names the search for kallsyms_num_syms looks: room for 256 names
    /// of 1 KiB each, where real kernels average a dozen bytes a name.</summary>
    private const int LastBlockSearchBytes = SymbolsPerMarker * 1024;

    /// <summary>Every symbol-name character is its own token, and digits occur in every kernel's names, so the
    /// digit tokens sit side by side in the token table.</summary>
    private static ReadOnlySpan<byte> DigitTokens => "0\u00001\u00002\u00003\u00004\u00005\u00006\u00007\u00008\u00009\u0000"u8;

    /// <exception cref="InvalidDataException">No consistent kallsyms tables were found.</exception>
    public static KallsymsTable Decode(ReadOnlySpan<byte> rodata)
    {
        var tokens = FindTokenTable(rodata)
            ?? throw new InvalidDataException("no kallsyms token table found: kernel built without CONFIG_KALLSYMS?");
        var names = FindNames(rodata, tokens)
            ?? throw new InvalidDataException("kallsyms token table found, but no kallsyms_names/kallsyms_markers before it");
        var addresses = FindAddresses(rodata, tokens, names)
            ?? throw new InvalidDataException(
                "kallsyms names found, but no sorted kallsyms_offsets beside them: only CONFIG_KALLSYMS_BASE_RELATIVE kernels are supported");

        var table = new KallsymsTable(names.Names, names.Types, addresses);
        foreach (var required in (string[])["_text", "init_task", "linux_banner"])
        {
            if (!table.TryGetAddress(required, out _))
            {
                throw new InvalidDataException($"kallsyms decoded {table.Count} symbols but not {required}: the tables are not what they seem");
            }
        }

        return table;
    }

    private static TokenTable? FindTokenTable(ReadOnlySpan<byte> rodata)
    {
        for (var from = 0; from < rodata.Length;)
        {
            var hit = rodata[from..].IndexOf(DigitTokens);
            if (hit < 0)
            {
                return null;
            }

            var digits = from + hit;
            if (TryTokenTableAround(rodata, digits) is { } table)
            {
                return table;
            }

            from = digits + 1;
        }

        return null;
    }

    /// <summary>The token for '0' is token 0x30; the table ends after token 0xff and the index follows it.</summary>
    private static TokenTable? TryTokenTableAround(ReadOnlySpan<byte> rodata, int digits)
    {
        var end = digits;
        for (var token = '0'; token < TokenCount; token++)
        {
            var nul = rodata[end..].IndexOf((byte)0);
            if (nul < 0)
            {
                return null;
            }

            end += nul + 1;
        }

        var index = AlignUp(end);
        if (index + 2 * TokenCount > rodata.Length)
        {
            return null;
        }

        var start = digits - U16(rodata, index + 2 * '0');
        if (start < 0 || U16(rodata, index) != 0)
        {
            return null;
        }

        var tokens = new byte[TokenCount][];
        for (var i = 0; i < TokenCount; i++)
        {
            var at = start + U16(rodata, index + 2 * i);
            var next = i + 1 < TokenCount ? start + U16(rodata, index + 2 * (i + 1)) : end;
            if (next <= at || next > end || rodata[next - 1] != 0 || rodata[at..(next - 1)].Contains((byte)0))
            {
                return null;
            }

            tokens[i] = rodata[at..(next - 1)].ToArray();
        }

        return new TokenTable(start, index + 2 * TokenCount, tokens);
    }

    private static NameTable? FindNames(ReadOnlySpan<byte> rodata, TokenTable tokens)
    {
        // Markers end right before the token table (up to 6.1, and from 6.4), perhaps followed by 4 bytes of padding.
        foreach (var markersEnd in (int[])[tokens.Start, tokens.Start - 4])
        {
            if (TryNamesBefore(rodata, markersEnd, tokens, expectedCount: null) is { } names)
            {
                return names;
            }
        }

        // 6.2 and 6.3 put kallsyms_seqs_of_names (one index per symbol) between the markers and the token table.
        foreach (var width in (int[])[3, 4])
        {
            for (var markersEnd = tokens.Start - Alignment; markersEnd >= 4; markersEnd -= 4)
            {
                // The seqs table ends in up to 7 bytes of padding, so a few counts fit the same space.
                var seqs = AlignUp(markersEnd);
                for (var count = (tokens.Start - seqs) / width; count > 0 && AlignUp(seqs + count * width) == tokens.Start; count--)
                {
                    var markers = (count + SymbolsPerMarker - 1) / SymbolsPerMarker;
                    if (markersEnd - 4 * markers >= 0
                        && U32(rodata, markersEnd - 4 * markers) == 0
                        && TryNamesBefore(rodata, markersEnd, tokens, count) is { } names)
                    {
                        return names;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Reads kallsyms_markers backwards from <paramref name="markersEnd"/> (strictly increasing offsets
    /// from 0), then looks for kallsyms_num_syms before the names they point into and checks it by decoding.</summary>
    private static NameTable? TryNamesBefore(ReadOnlySpan<byte> rodata, int markersEnd, TokenTable tokens, int? expectedCount)
    {
        var markersStart = markersEnd - 4;
        if (markersStart < 0)
        {
            return null;
        }

        while (U32(rodata, markersStart) != 0)
        {
            if (markersStart < 4 || U32(rodata, markersStart - 4) >= U32(rodata, markersStart))
            {
                return null;
            }

            markersStart -= 4;
        }

        var markerCount = (markersEnd - markersStart) / 4;
        var lastMarker = (int)U32(rodata, markersEnd - 4);
        var minCount = (markerCount - 1) * SymbolsPerMarker + 1;
        var maxCount = markerCount * SymbolsPerMarker;
        if (expectedCount is { } expected && (expected < minCount || expected > maxCount))
        {
            return null;
        }

        var latest = AlignDown(markersStart - lastMarker - Alignment);
        for (var numSyms = latest; numSyms >= 0 && numSyms >= latest - LastBlockSearchBytes; numSyms -= Alignment)
        {
            var count = (int)U32(rodata, numSyms);
            if (count < minCount || count > maxCount || (expectedCount is { } e && count != e) || U32(rodata, numSyms + 4) != 0)
            {
                continue;
            }

            var markers = rodata[markersStart..markersEnd];
            if (TryDecodeNames(rodata, numSyms + Alignment, count, markers, markersStart, tokens) is { } names)
            {
                return names with { NumSymsOffset = numSyms };
            }
        }

        return null;
    }

    private static NameTable? TryDecodeNames(
        ReadOnlySpan<byte> rodata, int start, int count, ReadOnlySpan<byte> markers, int markersStart, TokenTable tokens)
    {
        var names = new string[count];
        var types = new char[count];
        var buffer = new byte[1024];
        var at = start;
        for (var i = 0; i < count; i++)
        {
            if (i % SymbolsPerMarker == 0 && at - start != U32(markers, 4 * (i / SymbolsPerMarker)))
            {
                return null;
            }

            if (at >= markersStart)
            {
                return null;
            }

            // Since 6.1 a length of 0x80 or more takes two bytes, ULEB128-style; earlier lengths never reach 0x80.
            int length = rodata[at++];
            if ((length & 0x80) != 0)
            {
                length = (length & 0x7f) | (rodata[at++] << 7);
            }

            if (length == 0 || at + length > markersStart)
            {
                return null;
            }

            var used = 0;
            foreach (var code in rodata.Slice(at, length))
            {
                var token = tokens.Tokens[code];
                if (used + token.Length > buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                token.CopyTo(buffer.AsSpan(used));
                used += token.Length;
            }

            at += length;
            if (used < 2 || !IsPlausible(buffer.AsSpan(0, used)))
            {
                return null;
            }

            types[i] = (char)buffer[0];
            names[i] = Encoding.ASCII.GetString(buffer, 1, used - 1);
        }

        var padding = markersStart - at;
        return padding is >= 0 and < Alignment && !rodata[at..markersStart].ContainsAnyExcept((byte)0)
            ? new NameTable(names, types, 0)
            : null;
    }

    private static bool IsPlausible(ReadOnlySpan<byte> symbol) => !symbol.ContainsAnyExceptInRange((byte)0x21, (byte)0x7e);

    private static ulong[]? FindAddresses(ReadOnlySpan<byte> rodata, TokenTable tokens, NameTable names)
    {
        var count = names.Names.Length;
        var offsetsBytes = AlignUp(4 * count);

        // Up to 6.3 offsets and relative_base precede num_syms; from 6.4 they follow the token index.
        var before = names.NumSymsOffset - Alignment - offsetsBytes;
        if (before >= 0 && TryAddresses(rodata, before, names.NumSymsOffset - Alignment, count) is { } early)
        {
            return early;
        }

        var after = AlignUp(tokens.IndexEnd);
        return TryAddresses(rodata, after, after + offsetsBytes, count);
    }

    private static ulong[]? TryAddresses(ReadOnlySpan<byte> rodata, int offsets, int relativeBase, int count)
    {
        if (offsets < 0 || relativeBase + 8 > rodata.Length)
        {
            return null;
        }

        var baseAddress = BinaryPrimitives.ReadUInt64LittleEndian(rodata[relativeBase..]);
        if (baseAddress == 0)
        {
            return null;
        }

        // With CONFIG_KALLSYMS_ABSOLUTE_PERCPU, kernel addresses are stored as negative offsets below the base and
        // per-cpu symbols as their absolute (small, non-negative) values; without it every offset is a plain
        // unsigned distance above the base, which never reaches 2 GiB, so any negative entry tells the modes apart.
        var entries = rodata.Slice(offsets, 4 * count);
        var absolutePercpu = false;
        for (var i = 0; i < count && !absolutePercpu; i++)
        {
            absolutePercpu = BinaryPrimitives.ReadInt32LittleEndian(entries[(4 * i)..]) < 0;
        }

        var addresses = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            var raw = BinaryPrimitives.ReadInt32LittleEndian(entries[(4 * i)..]);
            addresses[i] = !absolutePercpu ? baseAddress + (uint)raw
                : raw >= 0 ? (ulong)raw
                : baseAddress - 1 - (ulong)(long)raw;
            if (i > 0 && addresses[i] < addresses[i - 1])
            {
                return null;
            }
        }

        return addresses;
    }

    private static int U16(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt16LittleEndian(s[at..]);

    private static uint U32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);

    private static int AlignUp(int offset) => (offset + Alignment - 1) & ~(Alignment - 1);

    private static int AlignDown(int offset) => offset & ~(Alignment - 1);

    private sealed record TokenTable(int Start, int IndexEnd, byte[][] Tokens);

    private sealed record NameTable(string[] Names, char[] Types, int NumSymsOffset);
}
