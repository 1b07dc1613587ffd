namespace AlSafe.TestSupport.Lab;

/// <summary>Waiting for a lab to reach a state, bounded by the caller's token: never a fixed sleep, never unbounded.</summary>
public static class Poll
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(250);

    /// <summary>Polls <paramref name="condition"/> until it holds (true) or the token ends (false).</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await condition().ConfigureAwait(false))
            {
                return true;
            }

            try
            {
                await Task.Delay(Pause, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return false;
    }
}
