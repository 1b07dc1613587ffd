using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace AlSafe.TestSupport.Daemon;

/// <summary>
/// <c>alsafe run</c> as systemd would run it: a child process with NOTIFY_SOCKET pointing at a datagram socket this
/// listens on, so a test sees READY, STATUS and the watchdog's keep-alives exactly as the service manager would, and can
/// stop it with SIGTERM or kill it with SIGKILL.
/// </summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Socket _notify;
    private readonly string _directory;
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _notifications = [];
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _listener;

    private DaemonProcess(Process process, Socket notify, string directory)
    {
        _process = process;
        _notify = notify;
        _directory = directory;
        _listener = Task.Run(ListenAsync);
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the daemon wrote to stderr (its log lines when there is no journal).</summary>
    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Every sd_notify message so far, in order.</summary>
    public IReadOnlyList<string> Notifications
    {
        get
        {
            lock (_gate)
            {
                return [.. _notifications];
            }
        }
    }

    /// <summary>Starts <c>dotnet alsafe.dll run --config CONFIG</c> from the test's output directory.</summary>
    /// <param name="environment">Extra variables, e.g. DBUS_SYSTEM_BUS_ADDRESS or WATCHDOG_USEC.</param>
    public static DaemonProcess Start(string config, IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Directory.CreateTempSubdirectory("alsafe-notify-").FullName;
        var socketPath = Path.Combine(directory, "notify.sock");
        var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "alsafe.dll"), "run", "--config", config })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NOTIFY_SOCKET"] = socketPath;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var daemon = new DaemonProcess(process, notify, directory);
        process.ErrorDataReceived += (_, line) => daemon.AppendError(line.Data);
        process.OutputDataReceived += (_, line) => daemon.AppendError(line.Data);
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return daemon;
    }

    /// <summary>Waits for READY=1; fails with the daemon's stderr when it exits or takes longer than
    /// <paramref name="timeout"/>.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(timeout)).ConfigureAwait(false);
        if (first == _ready.Task)
        {
            return;
        }

        throw new InvalidOperationException(first == exited
            ? $"alsafe run exited with {_process.ExitCode} before READY:\n{Stderr}"
            : $"alsafe run was not READY within {timeout.TotalSeconds:0} s:\n{Stderr}");
    }

    /// <summary>SIGTERM, as <c>systemctl stop</c> sends; waits for the exit and returns its code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            Signal("TERM");
        }

        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the daemon dies without cleaning anything up.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
    }

    /// <summary>SIGHUP, as <c>systemctl reload</c> sends.</summary>
    public void Reload() => Signal("HUP");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
        }

        _notify.Dispose();
        await _listener.ConfigureAwait(false);
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private void AppendError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _stderr.AppendLine(line);
        }
    }

    private async Task ListenAsync()
    {
        var buffer = new byte[4096];
        while (true)
        {
            int received;
            try
            {
                received = await _notify.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var message = Encoding.UTF8.GetString(buffer, 0, received);
            lock (_gate)
            {
                _notifications.Add(message);
            }

            if (message.Split('\n').Contains("READY=1"))
            {
                _ready.TrySetResult();
            }
        }
    }
}
