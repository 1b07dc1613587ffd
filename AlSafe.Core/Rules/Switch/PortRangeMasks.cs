using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// Turns a port range into masked port matches, because OpenFlow matches ports by value and mask, never by range.
/// </summary>
public static class PortRangeMasks
{
    /// <summary>
    /// The fewest masked ports whose union is exactly <paramref name="range"/>: each one the largest aligned block
    /// that starts where the previous ended and still fits, which is the unique minimal prefix cover of an interval.
    /// At most 30 for a 16-bit range.
    /// </summary>
    public static IReadOnlyList<MaskedPort> Cover(PortRange range)
    {
        if (range.First > range.Last)
        {
            throw new ArgumentException($"port range {range.First}-{range.Last} is empty", nameof(range));
        }

        var blocks = new List<MaskedPort>();
        var start = (int)range.First;
        var end = (int)range.Last;
        while (start <= end)
        {
            var size = start == 0 ? 1 << 16 : start & -start;
            while (start + size - 1 > end)
            {
                size >>= 1;
            }

            blocks.Add(new MaskedPort((ushort)start, (ushort)~(size - 1)));
            start += size;
        }

        return blocks;
    }
}
