using AlSafe.Interop.Journal;
using Serilog;
using Serilog.Configuration;
using Serilog.Events;

namespace AlSafe.Daemon.Logging;

/// <summary><c>WriteTo.JournalOrStderr()</c>: the daemon's logging target.</summary>
public static class JournalLoggerConfigurationExtensions
{
    /// <summary>
    /// Logs to journald through its native socket when the socket exists, falling back to
    /// <paramref name="stderr"/> (standard error by default) event by event when journald does not take one; logs to
    /// standard error only, with &lt;N&gt; priority prefixes, when there is no journal socket at all.
    /// </summary>
    public static LoggerConfiguration JournalOrStderr(this LoggerSinkConfiguration writeTo,
        string socketPath = JournalSocket.DefaultPath,
        string identifier = JournalSink.DefaultIdentifier,
        TextWriter? stderr = null,
        LogEventLevel restrictedToMinimumLevel = LevelAlias.Minimum)
    {
        ArgumentNullException.ThrowIfNull(writeTo);
        var fallback = new StderrSyslogSink(stderr);
        return JournalSocket.Exists(socketPath)
            ? writeTo.Sink(new JournalSink(new JournalSocket(socketPath), fallback, identifier), restrictedToMinimumLevel)
            : writeTo.Sink(fallback, restrictedToMinimumLevel);
    }
}
