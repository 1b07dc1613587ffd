using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AlSafe.Tests.Logging;

/// <summary>
/// A real systemd-journald of its own, started by hand (these machines run no systemd as PID 1) so that nothing else
/// on the machine notices: it runs as the journal namespace <see cref="Namespace"/>, which reads neither the kernel
/// log nor audit records, inside a private mount namespace where /run (a fresh tmpfs), /run/systemd, /run/log and
/// /etc/systemd are this instance's own directories. Its socket and journal files are therefore plain paths in a temp
/// directory for the test process and for journalctl, and the machine's /run/systemd/journal, /var/log/journal and
/// journald configuration are never touched. The configuration leaves kernel auditing alone (journald 252 turns it
/// off by default), keeps the journal in memory-backed /run/log, disables rate limiting, and forwards nowhere.
/// journald's own messages go to a log file in the directory, not to /dev/kmsg.
/// </summary>
internal sealed class TestJournald : IAsyncDisposable
{
    public const string Namespace = "alsafetest";

    private const string Configuration = """
        [Journal]
        Storage=volatile
        Audit=
        ReadKMsg=no
        ForwardToSyslog=no
        ForwardToKMsg=no
        ForwardToConsole=no
        ForwardToWall=no
        RateLimitIntervalSec=0
        """;

    /// <summary>Runs as /bin/sh with the directory as $1; journald replaces the shell, so the process is journald.</summary>
    private const string Script = """
        set -e
        exec 2>"$1/journald.log"
        mount -t tmpfs -o mode=0755 tmpfs /run
        mkdir /run/systemd /run/log
        mount --bind "$1/run" /run/systemd
        mount --bind "$1/log" /run/log
        mount --bind "$1/etc" /etc/systemd
        exec "$2" "$3"
        """;

    private static readonly string[] JournaldPaths = ["/lib/systemd/systemd-journald", "/usr/lib/systemd/systemd-journald"];
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(30);

    private readonly string _directory;
    private readonly Process _journald;

    private TestJournald(string directory, Process journald)
    {
        _directory = directory;
        _journald = journald;
    }

    /// <summary>The native protocol socket, as the test process sees it.</summary>
    public string SocketPath => Path.Combine(_directory, "run", "journal." + Namespace, "socket");

    /// <summary>Why this machine cannot run one, or null when it can.</summary>
    public static string? Unsupported()
    {
        if (Environment.UserName != "root")
        {
            return "needs root (mount namespaces)";
        }

        if (JournaldPath() is null || !new[] { "journalctl", "unshare", "nsenter" }.All(OnPath))
        {
            return "needs systemd-journald and journalctl (Debian package systemd) and unshare, nsenter (util-linux)";
        }

        return null;
    }

    public static async Task<TestJournald> StartAsync(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("alsafe-journald-").FullName;
        foreach (var sub in new[] { "run", "log", "etc" })
        {
            Directory.CreateDirectory(Path.Combine(directory, sub));
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "etc", $"journald@{Namespace}.conf"), Configuration + "\n", cancellationToken);
        var start = new ProcessStartInfo("unshare")
        {
            ArgumentList = { "--mount", "--propagation", "private", "--", "/bin/sh", "-c", Script, "sh", directory, JournaldPath()!, Namespace },
            Environment = { ["SYSTEMD_LOG_TARGET"] = "console", ["SYSTEMD_LOG_LEVEL"] = "info" },
            UseShellExecute = false,
        };
        var journald = new TestJournald(directory, Process.Start(start)!);
        try
        {
            await journald.WaitForSocketAsync(cancellationToken);
            return journald;
        }
        catch
        {
            await journald.DisposeAsync();
            throw;
        }
    }

    /// <summary>The entries matching <paramref name="matches"/> (journalctl FIELD=VALUE terms), oldest first, as
    /// <c>journalctl -o json --all</c> prints them, after journald has written everything sent before this call.</summary>
    public async Task<List<JsonObject>> ReadAsync(CancellationToken cancellationToken, params string[] matches)
    {
        // Synchronize makes journald drain its sockets and write what it received before it answers: no polling.
        await RunAsync("nsenter", [$"--mount=/proc/{_journald.Id}/ns/mnt", "journalctl", $"--namespace={Namespace}", "--sync"], cancellationToken);
        var storage = Directory.GetDirectories(Path.Combine(_directory, "log", "journal")).Single();
        var output = await RunAsync("journalctl", ["--directory", storage, "-o", "json", "--all", "--no-pager", .. matches], cancellationToken);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }

    /// <summary>journald's own log, for failure messages.</summary>
    public string Log()
    {
        var path = Path.Combine(_directory, "journald.log");
        return File.Exists(path) ? File.ReadAllText(path) : "(no log)";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_journald.HasExited)
        {
            _journald.Kill();
        }

        // The mount namespace, and with it every mount above, goes away with its last process.
        await _journald.WaitForExitAsync();
        _journald.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static string? JournaldPath() => JournaldPaths.FirstOrDefault(File.Exists);

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(directory => File.Exists(Path.Combine(directory, tool)));

    private static async Task<string> RunAsync(string tool, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ToolTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        }

        return await output;
    }

    private async Task WaitForSocketAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ToolTimeout);
        while (!File.Exists(SocketPath))
        {
            if (_journald.HasExited || timeout.IsCancellationRequested)
            {
                throw new InvalidOperationException($"systemd-journald did not create {SocketPath}; its log:\n{Log()}");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
