using System.Diagnostics;

namespace AlSafe.Core.Introspection;

/// <summary>One wall-clock budget for a whole introspection, checked inside every loop over guest data.</summary>
public readonly struct Deadline
{
    private readonly long _expires;

    private Deadline(long expires) => _expires = expires;

    /// <exception cref="ArgumentOutOfRangeException">A budget that is not positive: an introspection without a bound
    /// is exactly what the deadline exists to prevent.</exception>
    public static Deadline After(TimeSpan budget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero);
        var ticks = budget.TotalSeconds * Stopwatch.Frequency;
        var now = Stopwatch.GetTimestamp();
        return new Deadline(ticks >= long.MaxValue - now ? long.MaxValue : now + (long)ticks);
    }

    public void Check(string where)
    {
        if (Stopwatch.GetTimestamp() > _expires)
        {
            throw new IntrospectionException(IntrospectionFault.DeadlineExceeded, $"introspection deadline exceeded while {where}");
        }
    }
}
