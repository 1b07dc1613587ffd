using System.Globalization;

namespace AlSafe.Core.Introspection.Memory;

/// <summary>
/// Maps guest-physical addresses to offsets in a backing store. QEMU keeps a guest's RAM as one contiguous block but
/// places it in the guest-physical space around the PCI hole below 4 GiB, so a large guest's RAM is split in two.
/// </summary>
public sealed class PhysicalLayout
{
    private const ulong FourGiB = 0x1_0000_0000;
    private readonly PhysicalRange[] _ranges;

    public PhysicalLayout(IEnumerable<PhysicalRange> ranges)
    {
        _ranges = ranges.Where(r => r.Length > 0).OrderBy(r => r.GuestStart).ToArray();
        if (_ranges.Length == 0)
        {
            throw new ArgumentException("a physical layout needs at least one non-empty range", nameof(ranges));
        }

        for (var i = 1; i < _ranges.Length; i++)
        {
            if (_ranges[i].GuestStart < _ranges[i - 1].GuestEnd)
            {
                throw new ArgumentException($"physical ranges overlap at 0x{_ranges[i].GuestStart:x}", nameof(ranges));
            }
        }
    }

    public IReadOnlyList<PhysicalRange> Ranges => _ranges;

    public ulong PhysicalLimit => _ranges[^1].GuestEnd;

    /// <summary>One range from address 0: a raw image, or RAM that fits below the PCI hole.</summary>
    public static PhysicalLayout Flat(ulong size) => new([new PhysicalRange(0, size, 0)]);

    /// <summary>QEMU's q35 machine: RAM of 2.75 GiB or more keeps only 2 GiB below 4 GiB, the rest starts at 4 GiB.</summary>
    public static PhysicalLayout Q35(ulong ramSize) => SplitAt(ramSize, ramSize >= 0xB000_0000 ? 0x8000_0000 : 0xB000_0000);

    /// <summary>QEMU's i440fx ("pc") machine: RAM of 3.5 GiB or more keeps 3 GiB below 4 GiB.</summary>
    public static PhysicalLayout Pc(ulong ramSize) => SplitAt(ramSize, ramSize >= 0xE000_0000 ? 0xC000_0000 : 0xE000_0000);

    /// <summary>
    /// Parses a layout setting: <c>flat</c>, <c>q35</c> or <c>pc</c> (sized by <paramref name="ramSize"/>), or explicit
    /// ranges <c>GUESTSTART+LENGTH@OFFSET,...</c> in hexadecimal, for machines whose split this code does not know.
    /// </summary>
    public static PhysicalLayout Parse(string text, ulong ramSize)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "flat": return Flat(ramSize);
            case "q35": return Q35(ramSize);
            case "pc": return Pc(ramSize);
        }

        var ranges = new List<PhysicalRange>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var plus = part.IndexOf('+');
            var at = part.IndexOf('@');
            if (plus <= 0 || at <= plus)
            {
                throw new FormatException($"physical layout range '{part}' is not GUESTSTART+LENGTH@OFFSET");
            }

            ranges.Add(new PhysicalRange(Hex(part[..plus]), Hex(part[(plus + 1)..at]), Hex(part[(at + 1)..])));
        }

        return new PhysicalLayout(ranges);
    }

    /// <summary>Translates a guest-physical range to a backing offset; false if any byte is outside RAM.</summary>
    public bool TryMap(ulong address, ulong length, out ulong backingOffset)
    {
        var lo = 0;
        var hi = _ranges.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            ref readonly var r = ref _ranges[mid];
            if (address < r.GuestStart)
            {
                hi = mid - 1;
            }
            else if (address - r.GuestStart >= r.Length)
            {
                lo = mid + 1;
            }
            else
            {
                var within = address - r.GuestStart;
                backingOffset = r.BackingOffset + within;
                return length <= r.Length - within;
            }
        }

        backingOffset = 0;
        return false;
    }

    public override string ToString() =>
        string.Join(',', _ranges.Select(r => $"0x{r.GuestStart:x}+0x{r.Length:x}@0x{r.BackingOffset:x}"));

    private static PhysicalLayout SplitAt(ulong ramSize, ulong lowLimit)
    {
        if (ramSize <= lowLimit)
        {
            return Flat(ramSize);
        }

        return new PhysicalLayout([
            new PhysicalRange(0, lowLimit, 0),
            new PhysicalRange(FourGiB, ramSize - lowLimit, lowLimit),
        ]);
    }

    private static ulong Hex(string s)
    {
        var t = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s;
        return ulong.TryParse(t, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"'{s}' is not a hexadecimal number");
    }
}
