using System.Diagnostics;

namespace AlSafe.Lab;

/// <summary>Polling until a condition holds, bounded in time.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    /// <summary>The time from <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) until
    /// <paramref name="condition"/> first held; null when it did not within <paramref name="bound"/> of it.</summary>
    public static async Task<TimeSpan?> SinceAsync(long since, Func<Task<bool>> condition, TimeSpan bound, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await condition().ConfigureAwait(false))
            {
                return Stopwatch.GetElapsedTime(since);
            }

            if (Stopwatch.GetElapsedTime(since) >= bound)
            {
                return null;
            }

            await Task.Delay(Pause, cancellationToken).ConfigureAwait(false);
        }
    }
}
