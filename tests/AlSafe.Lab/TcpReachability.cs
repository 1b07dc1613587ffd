using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AlSafe.Lab;

/// <summary>
/// How long until a TCP service answers, as a client would live it: plain connects from a namespace, each with the
/// kernel's own SYN retransmissions (1 s, then doubling), a new one at once when one fails, until a handshake completes
/// or the bound is reached.
/// </summary>
internal static class TcpReachability
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);

    /// <summary>The time from <paramref name="since"/> (a <see cref="Stopwatch"/> timestamp) until a handshake with
    /// <paramref name="to"/> completed from the namespace at <paramref name="namespacePath"/>; null when none did
    /// within <paramref name="bound"/> of <paramref name="since"/>.</summary>
    public static async Task<TimeSpan?> TimeUntilConnectedAsync(string namespacePath, IPEndPoint to, long since, TimeSpan bound,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var left = bound - Stopwatch.GetElapsedTime(since);
        if (left <= TimeSpan.Zero)
        {
            return null;
        }

        deadline.CancelAfter(left);
        try
        {
            while (true)
            {
                using var socket = NamespaceSocket.CreateTcp(namespacePath, to.AddressFamily);
                try
                {
                    await socket.ConnectAsync(to, deadline.Token).ConfigureAwait(false);
                    return Stopwatch.GetElapsedTime(since);
                }
                catch (SocketException)
                {
                    // Refused or unreachable: this attempt is over, the next one starts after a short pause.
                }

                await Task.Delay(RetryPause, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
