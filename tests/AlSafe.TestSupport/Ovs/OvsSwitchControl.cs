using System.Globalization;
using System.Text;

namespace AlSafe.TestSupport.Ovs;

/// <summary>
/// Takes an <see cref="OvsInstance"/>'s ovs-vswitchd down and starts it again on the same database, as a crash and a
/// service restart would, for tests of clients that must reinstall what the switch forgot. It relies on the
/// instance's layout: ovs-vswitchd.pid, db.sock and the management socket in its directory. The new ovs-vswitchd gets
/// a network namespace of its own again (the old one went with the old process).
/// </summary>
public static class OvsSwitchControl
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SocketTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Kills ovs-vswitchd (SIGKILL), waits until it is gone, starts it again and returns once the bridge's
    /// management socket is back. The bridge comes back from the database with an empty table.</summary>
    public static async Task RestartSwitchAsync(OvsInstance instance, CancellationToken cancellationToken = default)
    {
        await KillSwitchAsync(instance, cancellationToken).ConfigureAwait(false);
        await StartSwitchAsync(instance, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Kills ovs-vswitchd (SIGKILL), as a crash would, and waits until it is gone; does nothing when it
    /// already is.</summary>
    public static async Task KillSwitchAsync(OvsInstance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (!int.TryParse(File.ReadAllText(PidFile(instance)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsGone(pid))
        {
            return;
        }

        instance.KillSwitch();
        await WaitAsync(() => IsGone(pid), ExitTimeout, $"ovs-vswitchd {pid} did not exit", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts ovs-vswitchd on the instance's database, as the instance first started it, and returns once the
    /// bridge's management socket exists. The switch must not be running.</summary>
    public static async Task StartSwitchAsync(OvsInstance instance, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instance);
        // A dead daemon's socket file stays behind; until it is gone, its existence says nothing about the new one.
        File.Delete(instance.ManagementSocket);
        await OvsTool.RunAsync(instance.Directory, "unshare",
        [
            "--net", "ovs-vswitchd", "unix:" + OvsdbServerControl.DatabaseSocket(instance), $"--pidfile={PidFile(instance)}", "--detach",
            $"--log-file={Path.Combine(instance.Directory, "ovs-vswitchd.log")}",
        ], ToolTimeout, cancellationToken).ConfigureAwait(false);
        await WaitAsync(() => File.Exists(instance.ManagementSocket), SocketTimeout,
            $"{instance.ManagementSocket} did not come back", cancellationToken).ConfigureAwait(false);
    }

    private static string PidFile(OvsInstance instance) => Path.Combine(instance.Directory, "ovs-vswitchd.pid");

    /// <summary>A killed daemon is gone once its /proc entry is, or is a zombie nobody reaps (a detached daemon's
    /// parent may be a container's init that never waits).</summary>
    private static bool IsGone(int pid)
    {
        try
        {
            var stat = Encoding.ASCII.GetString(File.ReadAllBytes($"/proc/{pid}/stat"));
            var state = stat[(stat.LastIndexOf(')') + 2)..];
            return state.StartsWith('Z') || state.StartsWith('X');
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string failure, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(Poll, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new OvsException($"{failure} within {timeout}");
            }
        }
    }
}
