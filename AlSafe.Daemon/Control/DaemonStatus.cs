namespace AlSafe.Daemon.Control;

/// <param name="LastError">The last failure the daemon logged, or null when there has been none.</param>
public sealed record DaemonStatus(string Version, TimeSpan Uptime, int VmCount, string? LastError);
