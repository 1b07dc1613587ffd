using System.Text;

namespace AlSafe.TestSupport.Ovs;

/// <summary>
/// A private Open vSwitch: its own ovsdb-server and ovs-vswitchd in a fresh directory under /tmp, one bridge with the
/// userspace datapath (no kernel module) in fail_mode=secure, so its table starts empty. ovs-vswitchd runs in its own
/// network namespace: the userspace datapath creates tap devices (the bridge's internal port, "ovs-netdev") whose
/// names would collide with those of a concurrent instance. Disposal kills both daemons by pidfile and deletes the
/// directory.
/// </summary>
public sealed class OvsInstance : IAsyncDisposable
{
    private const string Schema = "/usr/share/openvswitch/vswitch.ovsschema";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private OvsInstance(string directory, string bridge)
    {
        Directory = directory;
        Bridge = bridge;
    }

    public string Directory { get; }

    public string Bridge { get; }

    /// <summary>The bridge's OpenFlow management socket, which accepts OpenFlow clients.</summary>
    public string ManagementSocket => Path.Combine(Directory, Bridge + ".mgmt");

    private string DatabaseSocket => Path.Combine(Directory, "db.sock");

    private string SwitchPidFile => Path.Combine(Directory, "ovs-vswitchd.pid");

    private string DatabasePidFile => Path.Combine(Directory, "ovsdb-server.pid");

    /// <summary>Whether ovsdb-server, ovs-vswitchd, ovs-vsctl, ovs-ofctl, the schema and unshare are all present.</summary>
    public static bool IsInstalled() =>
        File.Exists(Schema) && new[] { "ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-ofctl", "unshare" }.All(OvsTool.IsInstalled);

    /// <summary>Starts the daemons and creates the bridge; returns once its management socket exists.</summary>
    public static async Task<OvsInstance> StartAsync(string bridge = "br-t", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bridge);
        var instance = new OvsInstance(System.IO.Directory.CreateTempSubdirectory("alsafe-ovs-").FullName, bridge);
        try
        {
            await instance.LaunchAsync(cancellationToken).ConfigureAwait(false);
            return instance;
        }
        catch
        {
            await instance.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs ovs-vsctl against this instance's database.</summary>
    public Task<string> VsctlAsync(params string[] arguments) =>
        RunAsync("ovs-vsctl", [$"--db=unix:{DatabaseSocket}", "--timeout=15", .. arguments]);

    /// <summary>Runs <c>ovs-ofctl -O OpenFlow14 COMMAND unix:MGMT ARGUMENTS...</c> against the bridge.</summary>
    public Task<string> OfctlAsync(string command, params string[] arguments) =>
        RunAsync("ovs-ofctl", ["-O", "OpenFlow14", command, "unix:" + ManagementSocket, .. arguments]);

    /// <summary>Freezes ovs-vswitchd (SIGSTOP): its sockets stay open but nothing answers.</summary>
    public void SuspendSwitch() => Signal(SwitchPidFile, "STOP");

    public void ResumeSwitch() => Signal(SwitchPidFile, "CONT");

    /// <summary>Kills ovs-vswitchd outright (SIGKILL), as a crash would.</summary>
    public void KillSwitch() => Signal(SwitchPidFile, "KILL");

    public async ValueTask DisposeAsync()
    {
        foreach (var pidFile in new[] { SwitchPidFile, DatabasePidFile })
        {
            await StopAsync(pidFile).ConfigureAwait(false);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A daemon that outlived its kill may still write its log; a stale /tmp directory is harmless.
        }
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var database = Path.Combine(Directory, "conf.db");
        await RunAsync("ovsdb-tool", ["create", database, Schema], cancellationToken).ConfigureAwait(false);
        await RunAsync("ovsdb-server", [database, $"--remote=punix:{DatabaseSocket}", $"--pidfile={DatabasePidFile}", "--detach",
            $"--log-file={Path.Combine(Directory, "ovsdb-server.log")}"], cancellationToken).ConfigureAwait(false);
        await RunAsync("ovs-vsctl", [$"--db=unix:{DatabaseSocket}", "--no-wait", "init"], cancellationToken).ConfigureAwait(false);
        await RunAsync("unshare", ["--net", "ovs-vswitchd", $"unix:{DatabaseSocket}", $"--pidfile={SwitchPidFile}", "--detach",
            $"--log-file={Path.Combine(Directory, "ovs-vswitchd.log")}"], cancellationToken).ConfigureAwait(false);
        await RunAsync("ovs-vsctl", [$"--db=unix:{DatabaseSocket}", "--timeout=15", "add-br", Bridge, "--", "set", "bridge", Bridge,
            "datapath_type=netdev", "fail_mode=secure"], cancellationToken).ConfigureAwait(false);

        // ovs-vsctl returns once ovs-vswitchd has applied the change; the listening socket follows within moments.
        for (var attempt = 0; !File.Exists(ManagementSocket); attempt++)
        {
            if (attempt >= 100)
                throw new OvsException($"{ManagementSocket} did not appear; ovs-vswitchd log:\n{ReadLog("ovs-vswitchd.log")}");
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<string> RunAsync(string executable, string[] arguments, CancellationToken cancellationToken = default) =>
        OvsTool.RunAsync(Directory, executable, arguments, ToolTimeout, cancellationToken);

    private string ReadLog(string name)
    {
        var path = Path.Combine(Directory, name);
        return File.Exists(path) ? File.ReadAllText(path) : "(no log)";
    }

    /// <summary>The pid in <paramref name="pidFile"/>, if that process is alive and is one of this instance's
    /// daemons (its command line names this directory): a stale pidfile must never make us signal a stranger.</summary>
    private int? OwnPid(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            return null;
        try
        {
            var commandLine = Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/cmdline"));
            return commandLine.Contains(Directory, StringComparison.Ordinal) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private void Signal(string pidFile, string signal)
    {
        var pid = OwnPid(pidFile) ?? throw new OvsException($"no live daemon behind {pidFile}");
        using var kill = System.Diagnostics.Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
            throw new OvsException($"kill -{signal} {pid} failed");
    }

    private async Task StopAsync(string pidFile)
    {
        if (OwnPid(pidFile) is not { } pid)
            return;
        System.Diagnostics.Process process;
        try
        {
            process = System.Diagnostics.Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            return;
        }

        using var owned = process;
        // A frozen daemon ignores SIGTERM until continued; SIGKILL ends it either way.
        process.Kill();
        using var deadline = new CancellationTokenSource(StopTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new OvsException($"daemon {pid} of {Directory} did not exit within {StopTimeout}");
        }
    }
}
