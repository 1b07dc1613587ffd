using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>Sets of ports as sorted, disjoint, non-adjacent ranges: the form in which their union and difference are exact.</summary>
internal static class PortSpans
{
    public static IReadOnlyList<PortRange> Union(IEnumerable<PortRange> ranges)
    {
        var merged = new List<PortRange>();
        foreach (var range in ranges.OrderBy(range => range.First))
        {
            if (merged.Count > 0 && range.First <= merged[^1].Last + 1)
            {
                merged[^1] = merged[^1] with { Last = Math.Max(merged[^1].Last, range.Last) };
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }

    /// <summary>The ports of <paramref name="minuend"/> not in <paramref name="subtrahend"/>; both in the form <see cref="Union"/> gives.</summary>
    public static IReadOnlyList<PortRange> Subtract(IReadOnlyList<PortRange> minuend, IReadOnlyList<PortRange> subtrahend)
    {
        var rest = new List<PortRange>();
        foreach (var range in minuend)
        {
            var next = (int)range.First;
            foreach (var cut in subtrahend.Where(cut => cut.Last >= next && cut.First <= range.Last))
            {
                if (cut.First > next)
                {
                    rest.Add(new PortRange((ushort)next, (ushort)(cut.First - 1)));
                }

                next = cut.Last + 1;
            }

            if (next <= range.Last)
            {
                rest.Add(new PortRange((ushort)next, range.Last));
            }
        }

        return rest;
    }
}
