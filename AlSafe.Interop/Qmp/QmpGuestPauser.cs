using AlSafe.Core.Introspection;

namespace AlSafe.Interop.Qmp;

/// <summary>
/// Pauses a QEMU guest with QMP stop and resumes it with cont, checking both with query-status. A guest that was not
/// running when asked to pause (paused by an operator, still in prelaunch, shut down) is left exactly as it was: it is
/// not stopped, and resuming does not start it. One walk at a time: pause and resume calls must alternate.
/// </summary>
/// <remarks>
/// QMP has no "stop if running", so if another client stops the guest between the status check and the stop, that
/// pause is taken for ours and undone by <see cref="ResumeAsync"/>. The window is one round trip (about 1 ms). The
/// opposite mistake, a guest left stopped by a firewall, would be worse.
/// </remarks>
public sealed class QmpGuestPauser(QmpClient client) : IGuestPauser
{
    private const string Running = "running";
    private const string Paused = "paused";
    private static readonly TimeSpan UndoTimeout = TimeSpan.FromSeconds(2);

    /// <summary>True between a pause that stopped the guest and the resume that restarts it.</summary>
    public bool HoldsPause { get; private set; }

    public async Task PauseAsync(CancellationToken cancellationToken)
    {
        if (HoldsPause)
        {
            throw new InvalidOperationException("the guest is already paused by this pauser; resume it first");
        }

        string status;
        try
        {
            status = await client.QueryStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsHypervisorFailure(e))
        {
            throw Failure("could not read the guest's run state before pausing it", e);
        }

        if (status is "inmigrate" or "finish-migrate" or "postmigrate")
        {
            // Its RAM is being copied in or out: what the walk would read is no state the guest was ever in.
            throw new IntrospectionException(IntrospectionFault.Hypervisor,
                $"the guest is not readable while its run state is {status} ({client.SocketPath})");
        }

        if (status != Running)
        {
            return;
        }

        try
        {
            await client.StopAsync(cancellationToken).ConfigureAwait(false);
            status = await client.QueryStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsHypervisorFailure(e) || e is OperationCanceledException)
        {
            // The stop may have been carried out even though its answer was lost or abandoned; a caller whose pause
            // failed will not resume, so undo it here.
            await TryContAsync().ConfigureAwait(false);
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw Failure("could not pause the guest", e);
        }

        if (status == Running)
        {
            throw new IntrospectionException(IntrospectionFault.Hypervisor,
                $"the guest is still running after QMP stop ({client.SocketPath})");
        }

        HoldsPause = true;
    }

    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        if (!HoldsPause)
        {
            return;
        }

        HoldsPause = false;
        string status;
        try
        {
            // The cont itself ignores cancellation: a walk that ran out of time still has to give the guest back, and
            // the command's own timeout bounds the wait.
            await client.ContAsync(CancellationToken.None).ConfigureAwait(false);
            status = await client.QueryStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsHypervisorFailure(e))
        {
            throw Failure("could not resume the guest; it may still be paused", e);
        }

        if (status == Paused)
        {
            throw new IntrospectionException(IntrospectionFault.Hypervisor,
                $"the guest is still paused after QMP cont ({client.SocketPath})");
        }
    }

    private static bool IsHypervisorFailure(Exception e) =>
        e is QmpException or IOException or TimeoutException or ObjectDisposedException or InvalidDataException;

    private IntrospectionException Failure(string what, Exception e) =>
        new(IntrospectionFault.Hypervisor, $"{what} over QMP ({client.SocketPath}): {e.Message}", e);

    private async Task TryContAsync()
    {
        try
        {
            await client.ExecuteAsync("cont", timeout: UndoTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (IsHypervisorFailure(e))
        {
            // Best effort: the original failure is the one to report.
        }
    }
}
