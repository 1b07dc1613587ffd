using System.Diagnostics;

namespace AlSafe.Core.Introspection;

/// <summary>One wall-clock budget for a whole introspection, checked inside every loop over guest data.</summary>
public readonly struct Deadline
{
    private readonly long _expires;

    private Deadline(long expires) => _expires = expires;

    public static Deadline After(TimeSpan budget) =>
        new(Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency));

    public void Check(string where)
    {
        if (Stopwatch.GetTimestamp() > _expires)
        {
            throw new IntrospectionException(IntrospectionFault.DeadlineExceeded, $"introspection deadline exceeded while {where}");
        }
    }
}
