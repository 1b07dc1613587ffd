using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace AlSafe.TestSupport.Ovs;

/// <summary>
/// Takes an <see cref="OvsInstance"/>'s ovsdb-server down and up again on the same database file, and edits that
/// file while the server is down, for tests of clients that must ride out a database restart. It relies on the
/// instance's layout: conf.db, db.sock and ovsdb-server.pid in its directory.
/// </summary>
public static class OvsdbServerControl
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The database's unix socket.</summary>
    public static string DatabaseSocket(OvsInstance instance) => Path.Combine(instance.Directory, "db.sock");

    /// <summary>Kills ovsdb-server outright (SIGKILL), as a crash would, and waits until it is gone.</summary>
    public static async Task KillAsync(OvsInstance instance)
    {
        var pidFile = PidFile(instance);
        if (!int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            throw new OvsException($"{pidFile} holds no pid");
        }

        // A stale pidfile must never make us kill a stranger: the server's command line names the instance directory.
        var commandLine = Encoding.UTF8.GetString(await File.ReadAllBytesAsync($"/proc/{pid}/cmdline").ConfigureAwait(false));
        if (!commandLine.Contains(instance.Directory, StringComparison.Ordinal))
        {
            throw new OvsException($"process {pid} from {pidFile} is not this instance's ovsdb-server");
        }

        using var process = Process.GetProcessById(pid);
        process.Kill();
        using var deadline = new CancellationTokenSource(StopTimeout);
        await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        File.Delete(DatabaseSocket(instance));
    }

    /// <summary>Starts ovsdb-server again on the instance's database, as the instance first started it.</summary>
    public static async Task StartAsync(OvsInstance instance, CancellationToken cancellationToken = default)
    {
        await OvsTool.RunAsync(instance.Directory, "ovsdb-server",
        [
            Path.Combine(instance.Directory, "conf.db"), $"--remote=punix:{DatabaseSocket(instance)}", $"--pidfile={PidFile(instance)}",
            "--detach", $"--log-file={Path.Combine(instance.Directory, "ovsdb-server.log")}",
        ], ToolTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a transaction (the JSON array of <c>ovsdb-tool transact</c>) on the database file while no
    /// server holds it.</summary>
    public static Task<string> TransactOfflineAsync(OvsInstance instance, string transaction, CancellationToken cancellationToken = default) =>
        OvsTool.RunAsync(instance.Directory, "ovsdb-tool", ["transact", Path.Combine(instance.Directory, "conf.db"), transaction],
            ToolTimeout, cancellationToken);

    private static string PidFile(OvsInstance instance) => Path.Combine(instance.Directory, "ovsdb-server.pid");
}
