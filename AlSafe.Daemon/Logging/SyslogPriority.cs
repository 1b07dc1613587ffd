using Serilog.Events;

namespace AlSafe.Daemon.Logging;

/// <summary>syslog(3) priorities as journald's PRIORITY field and the stderr prefix &lt;N&gt; carry them.</summary>
public static class SyslogPriority
{
    public const int Critical = 2;
    public const int Error = 3;
    public const int Warning = 4;
    public const int Notice = 5;
    public const int Informational = 6;
    public const int Debug = 7;

    /// <summary>Fatal is critical rather than alert or emergency: those are for the whole machine, and journald
    /// broadcasts emergencies to every terminal.</summary>
    public static int FromLevel(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => Debug,
        LogEventLevel.Information => Informational,
        LogEventLevel.Warning => Warning,
        LogEventLevel.Error => Error,
        LogEventLevel.Fatal => Critical,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "not a Serilog level"),
    };
}
