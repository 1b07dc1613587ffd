using System.Diagnostics;
using System.Security;
using AlSafe.TestSupport.Net;

namespace AlSafe.TestSupport.DBus;

/// <summary>
/// A dbus-daemon of its own for one test fixture, listening on a socket in a fresh directory. Its base policy is as
/// open as a session bus (anyone may connect, own and call), so whatever is refused is refused by the policy files it
/// includes: that is what lets a test show that a packaged policy, on its own, closes an API.
/// </summary>
public sealed class PrivateBus : IDisposable
{
    private readonly Process _daemon;
    private readonly DirectoryInfo _directory;

    private PrivateBus(Process daemon, DirectoryInfo directory, string address)
    {
        _daemon = daemon;
        _directory = directory;
        Address = address;
    }

    public static bool IsAvailable => NetCommand.IsInstalled("dbus-daemon");

    public string Address { get; }

    public static async Task<PrivateBus> StartAsync(IEnumerable<string> policyFiles, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("a private dbus-daemon needs Linux");
        }

        var directory = Directory.CreateTempSubdirectory("alsafe-bus-");
        // Other users must reach the socket for a test to see the policy, not the file mode, refuse them.
        directory.UnixFileMode |= UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        var config = Path.Combine(directory.FullName, "bus.conf");
        var includes = string.Concat(policyFiles.Select(f => $"  <include>{SecurityElement.Escape(Path.GetFullPath(f))}</include>\n"));
        await File.WriteAllTextAsync(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <listen>unix:path={SecurityElement.Escape(Path.Combine(directory.FullName, "bus"))}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*"/>
                <allow receive_sender="*"/>
              </policy>
            {includes}</busconfig>
            """, cancellationToken).ConfigureAwait(false);

        var start = NetCommand.StartInfo("dbus-daemon", ["--config-file=" + config, "--nofork", "--nopidfile", "--print-address=1"],
                                         redirectInput: false);
        var daemon = Process.Start(start) ?? throw new NetException($"cannot start {NetCommand.Describe(start)}");
        // The daemon logs every message its policy rejects; a pipe left unread would fill and stall the whole bus.
        var log = new System.Text.StringBuilder();
        daemon.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        daemon.BeginErrorReadLine();
        try
        {
            // The daemon prints its address once it listens, so the bus is ready when the line arrives.
            var address = await daemon.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(address))
            {
                await daemon.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                lock (log)
                {
                    throw new NetException($"dbus-daemon did not start: {log.ToString().Trim()}");
                }
            }

            return new PrivateBus(daemon, directory, address.Trim());
        }
        catch
        {
            Stop(daemon, directory);
            throw;
        }
    }

    /// <summary>
    /// Runs <c>dbus-send --print-reply</c> on this bus with <paramref name="arguments"/>; with <paramref name="uid"/>,
    /// as that user and group with no supplementary groups, which is how a test sees what the policy lets others do.
    /// </summary>
    public Task<CommandResult> SendAsync(IReadOnlyList<string> arguments, int? uid, CancellationToken cancellationToken)
    {
        string[] send = ["dbus-send", "--bus=" + Address, "--print-reply", .. arguments];
        return uid is { } id
            ? NetCommand.RunAsync("setpriv", [$"--reuid={id}", $"--regid={id}", "--clear-groups", .. send], NetCommand.DefaultTimeout, cancellationToken)
            : NetCommand.RunAsync(send[0], send[1..], NetCommand.DefaultTimeout, cancellationToken);
    }

    public void Dispose() => Stop(_daemon, _directory);

    private static void Stop(Process daemon, DirectoryInfo directory)
    {
        if (!daemon.HasExited)
        {
            daemon.Kill();
            daemon.WaitForExit();
        }

        daemon.Dispose();
        directory.Delete(recursive: true);
    }
}
