using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;

namespace AlSafe.Daemon.Runtime;

/// <summary>
/// What the daemon tells systemd (Type=notify): READY once the first full sync is enforced, STATUS lines, STOPPING, and
/// the watchdog's keep-alives. Sent only when systemd asked for them (NOTIFY_SOCKET, WATCHDOG_USEC); the hosting
/// package's own lifetime is not used because it would say READY as soon as the host started, before any VM is
/// protected.
/// </summary>
internal sealed class ServiceNotifier
{
    private readonly SystemdNotifier _notifier = new();

    /// <summary>How often systemd wants a keep-alive, or null when its watchdog is off (or meant for another process).</summary>
    public static TimeSpan? WatchdogInterval()
    {
        if (!ulong.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec == 0)
        {
            return null;
        }

        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        return pid is null || pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture)
            ? TimeSpan.FromMicroseconds(usec)
            : null;
    }

    public void Ready(string status) => Send($"READY=1\nSTATUS={OneLine(status)}");

    public void Status(string status) => Send($"STATUS={OneLine(status)}");

    public void Stopping() => Send("STOPPING=1");

    public void Watchdog() => Send("WATCHDOG=1");

    private void Send(string message)
    {
        if (_notifier.IsEnabled)
        {
            _notifier.Notify(new ServiceState(message));
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
