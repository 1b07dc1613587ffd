using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>Sets of ports as sorted, disjoint, non-adjacent ranges: the form in which their union and difference are exact.</summary>
internal static class PortSpans
{
    public static IReadOnlyList<PortRange> Union(IEnumerable<PortRange> ranges)
    {
        // Merged in place in one list: this runs for every remote prefix of every service on each introspection.
        var merged = new List<PortRange>(ranges);
        merged.Sort(static (x, y) => x.First.CompareTo(y.First));
        var kept = 0;
        for (var i = 0; i < merged.Count; i++)
        {
            var range = merged[i];
            if (kept > 0 && range.First <= merged[kept - 1].Last + 1)
            {
                merged[kept - 1] = merged[kept - 1] with { Last = Math.Max(merged[kept - 1].Last, range.Last) };
            }
            else
            {
                merged[kept++] = range;
            }
        }

        merged.RemoveRange(kept, merged.Count - kept);
        return merged;
    }

    /// <summary>The ports of <paramref name="minuend"/> not in <paramref name="subtrahend"/>; both in the form <see cref="Union"/> gives.</summary>
    public static IReadOnlyList<PortRange> Subtract(IReadOnlyList<PortRange> minuend, IReadOnlyList<PortRange> subtrahend)
    {
        var rest = new List<PortRange>();
        foreach (var range in minuend)
        {
            var next = (int)range.First;
            foreach (var cut in subtrahend)
            {
                if (cut.Last < next || cut.First > range.Last)
                {
                    continue;
                }

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
